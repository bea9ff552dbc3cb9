using System.Globalization;
using Appliance.Abstractions.Services;
using Appliance.Host.Storage;

namespace Appliance.Host.DataUse;

/// <summary>
/// Bytes sent off the site per UTC day, category and source (a plugin id, or <c>host</c> for the cloud link and
/// backups), in SQLite table <c>data_use</c> (created on first use, like the other HostApi 1.1 tables, so parallel
/// branches adding migrations do not clash). Reports are added up in memory and written at most once a second (and
/// before every read and at stop), so a chatty reporter costs no write per call; a kill loses at most that second.
/// </summary>
public sealed class DataUseStore : IDisposable
{
    public const string HostSource = "host";

    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    private readonly Database _db;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Day, string Category, string Source), long> _pending = [];
    private readonly ITimer _timer;

    public DataUseStore(Database db, TimeProvider time)
    {
        _db = db;
        _time = time;
        using (var connection = _db.Open())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = """
                CREATE TABLE IF NOT EXISTS data_use (
                    day TEXT NOT NULL, category TEXT NOT NULL, source TEXT NOT NULL, bytes INTEGER NOT NULL,
                    PRIMARY KEY (day, category, source));
                """;
            cmd.ExecuteNonQuery();
        }

        _timer = time.CreateTimer(_ => FlushQuietly(), null, FlushInterval, FlushInterval);
    }

    /// <summary>The view a plugin gets: its reports counted under its id.</summary>
    public IDataUse For(string source) => new View(this, source);

    /// <summary>Adds <paramref name="bytes"/> to today's <paramref name="category"/> for <paramref name="source"/>; unknown category or negative bytes throw.</summary>
    public void Record(string source, string category, long bytes)
    {
        if (!DataUseCategories.All.Contains(category, StringComparer.Ordinal))
        {
            throw new ArgumentException($"data-use category '{category}' is not one of {string.Join(", ", DataUseCategories.All)}", nameof(category));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes == 0)
        {
            return;
        }

        var day = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        lock (_gate)
        {
            var key = (day, category, source);
            _pending[key] = checked(_pending.GetValueOrDefault(key) + bytes);
        }
    }

    /// <summary>Every recorded day of <paramref name="month"/> (first day of it), category and source, oldest first.</summary>
    public IReadOnlyList<DataUseRow> Month(DateOnly month)
    {
        Flush();
        var first = new DateOnly(month.Year, month.Month, 1);
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT day, category, source, bytes FROM data_use WHERE day >= $from AND day < $to ORDER BY day, category, source";
        cmd.Parameters.AddWithValue("$from", first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$to", first.AddMonths(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        using var reader = cmd.ExecuteReader();
        var rows = new List<DataUseRow>();
        while (reader.Read())
        {
            rows.Add(new DataUseRow(
                DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt64(3)));
        }

        return rows;
    }

    /// <summary>Writes what was reported since the last write (one transaction).</summary>
    public void Flush()
    {
        List<KeyValuePair<(string Day, string Category, string Source), long>> batch;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = [.. _pending];
            _pending.Clear();
        }

        try
        {
            Write(batch);
        }
        catch
        {
            // Not lost: added back, written with the next flush.
            lock (_gate)
            {
                foreach (var (key, bytes) in batch)
                {
                    _pending[key] = _pending.GetValueOrDefault(key) + bytes;
                }
            }

            throw;
        }
    }

    private void FlushQuietly()
    {
        try
        {
            Flush();
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // The database is busy or going away: the next tick (or the read, or the stop) writes it.
        }
    }

    private void Write(List<KeyValuePair<(string Day, string Category, string Source), long>> batch)
    {
        using var connection = _db.Open();
        using var tx = connection.BeginTransaction();
        foreach (var ((day, category, source), bytes) in batch)
        {
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO data_use (day, category, source, bytes) VALUES ($d, $c, $s, $b)
                ON CONFLICT (day, category, source) DO UPDATE SET bytes = bytes + excluded.bytes
                """;
            cmd.Parameters.AddWithValue("$d", day);
            cmd.Parameters.AddWithValue("$c", category);
            cmd.Parameters.AddWithValue("$s", source);
            cmd.Parameters.AddWithValue("$b", bytes);
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }

    private sealed class View(DataUseStore store, string source) : IDataUse
    {
        public void Record(string category, long bytes) => store.Record(source, category, bytes);
    }
}

/// <summary>One day's bytes of one category from one source.</summary>
public sealed record DataUseRow(DateOnly Day, string Category, string Source, long Bytes);
