using System.Globalization;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Pos.Protocol;
using Microsoft.Data.Sqlite;

namespace Appliance.Plugins.Pos;

/// <summary>A stored transaction as search returns it.</summary>
internal sealed record StoredTransaction(long Id, string Register, string? CameraId, DateTimeOffset StartedAt, DateTimeOffset EndedAt,
    string? Cashier, decimal? Total, int Voids, decimal Refunded, bool NoSale, string EndedBy, string Text, IReadOnlyList<PosLineItem> Items);

/// <summary>
/// Transactions in SQLite (<c>pos.db</c> in the plugin's data directory), their text indexed with FTS5 (an external
/// content table kept in step by triggers). One connection per call; WAL so searches do not wait for ingest.
/// </summary>
internal sealed class PosStore
{
    private readonly string _connection;

    public PosStore(string dataDirectory)
    {
        _connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "pos.db"), Pooling = true }.ToString();
        using var db = Open();
        Execute(db, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS transactions (
              id INTEGER PRIMARY KEY, register TEXT NOT NULL, camera TEXT, started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL,
              cashier TEXT, total TEXT, voids INTEGER NOT NULL, refunded TEXT NOT NULL, no_sale INTEGER NOT NULL, ended_by TEXT NOT NULL,
              text TEXT NOT NULL, items TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS transactions_register_time ON transactions(register, started_at);
            CREATE INDEX IF NOT EXISTS transactions_time ON transactions(started_at);
            CREATE VIRTUAL TABLE IF NOT EXISTS transactions_fts USING fts5(text, cashier, content='transactions', content_rowid='id');
            CREATE TRIGGER IF NOT EXISTS transactions_ai AFTER INSERT ON transactions BEGIN
              INSERT INTO transactions_fts(rowid, text, cashier) VALUES (new.id, new.text, new.cashier); END;
            CREATE TRIGGER IF NOT EXISTS transactions_ad AFTER DELETE ON transactions BEGIN
              INSERT INTO transactions_fts(transactions_fts, rowid, text, cashier) VALUES ('delete', old.id, old.text, old.cashier); END;
            """);
    }

    public long Add(string register, string? cameraId, PosTransaction t)
    {
        using var db = Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = """
            INSERT INTO transactions (register, camera, started_at, ended_at, cashier, total, voids, refunded, no_sale, ended_by, text, items)
            VALUES ($register, $camera, $started, $ended, $cashier, $total, $voids, $refunded, $noSale, $endedBy, $text, $items) RETURNING id
            """;
        cmd.Parameters.AddWithValue("$register", register);
        cmd.Parameters.AddWithValue("$camera", (object?)cameraId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$started", t.StartedAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$ended", t.EndedAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$cashier", (object?)t.Cashier ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$total", t.Total is { } total ? total.ToString(CultureInfo.InvariantCulture) : DBNull.Value);
        cmd.Parameters.AddWithValue("$voids", t.Voids);
        cmd.Parameters.AddWithValue("$refunded", t.Refunded.ToString(CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$noSale", t.NoSale ? 1 : 0);
        cmd.Parameters.AddWithValue("$endedBy", t.EndedBy);
        cmd.Parameters.AddWithValue("$text", t.Text);
        cmd.Parameters.AddWithValue("$items", JsonSerializer.Serialize(t.Items));
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>
    /// Transactions whose text matches the FTS5 query <paramref name="query"/> (empty: every transaction), the most
    /// recently stored first.
    /// A query FTS5 cannot parse is a <c>bad-query</c> failure with SQLite's message.
    /// </summary>
    public Result<IReadOnlyList<StoredTransaction>> Search(string query, string? register, DateTimeOffset? from, DateTimeOffset? to, int limit)
    {
        using var db = Open();
        using var cmd = db.CreateCommand();
        var where = new List<string>();
        if (query.Length > 0)
        {
            where.Add("transactions_fts MATCH $q");
            cmd.Parameters.AddWithValue("$q", query);
        }
        if (register is not null)
        {
            where.Add("t.register = $register");
            cmd.Parameters.AddWithValue("$register", register);
        }
        if (from is { } f)
        {
            where.Add("t.started_at >= $from");
            cmd.Parameters.AddWithValue("$from", f.ToUnixTimeMilliseconds());
        }
        if (to is { } tt)
        {
            where.Add("t.started_at < $to");
            cmd.Parameters.AddWithValue("$to", tt.ToUnixTimeMilliseconds());
        }
        // With a query, FTS5 walks its index newest rowid first and stops at the limit (ordering by time instead would
        // gather and sort every match: 300 ms at a million line items); rowids follow the order transactions were stored.
        var from_ = query.Length > 0 ? "transactions_fts JOIN transactions t ON t.id = transactions_fts.rowid" : "transactions t";
        var order = query.Length > 0 ? "transactions_fts.rowid DESC" : "t.id DESC";
        cmd.CommandText = $"SELECT t.* FROM {from_} {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY {order} LIMIT $limit";
        cmd.Parameters.AddWithValue("$limit", limit);
        try
        {
            using var reader = cmd.ExecuteReader();
            var found = new List<StoredTransaction>();
            while (reader.Read()) found.Add(Read(reader));
            return found;
        }
        catch (SqliteException e) when (query.Length > 0 && e.SqliteErrorCode == 1)
        {
            return Result<IReadOnlyList<StoredTransaction>>.Fail("bad-query", $"full-text query '{query}' not understood: {e.Message}");
        }
    }

    public StoredTransaction? Get(long id)
    {
        using var db = Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT * FROM transactions WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <summary>Deletes transactions that started before <paramref name="before"/>; returns how many.</summary>
    public int Prune(DateTimeOffset before)
    {
        using var db = Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "DELETE FROM transactions WHERE started_at < $before";
        cmd.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
        return cmd.ExecuteNonQuery();
    }

    private static StoredTransaction Read(SqliteDataReader r) => new(
        r.GetInt64(r.GetOrdinal("id")), r.GetString(r.GetOrdinal("register")), r.IsDBNull(r.GetOrdinal("camera")) ? null : r.GetString(r.GetOrdinal("camera")),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal("started_at"))), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal("ended_at"))),
        r.IsDBNull(r.GetOrdinal("cashier")) ? null : r.GetString(r.GetOrdinal("cashier")),
        r.IsDBNull(r.GetOrdinal("total")) ? null : decimal.Parse(r.GetString(r.GetOrdinal("total")), CultureInfo.InvariantCulture),
        r.GetInt32(r.GetOrdinal("voids")), decimal.Parse(r.GetString(r.GetOrdinal("refunded")), CultureInfo.InvariantCulture),
        r.GetInt32(r.GetOrdinal("no_sale")) != 0, r.GetString(r.GetOrdinal("ended_by")), r.GetString(r.GetOrdinal("text")),
        JsonSerializer.Deserialize<List<PosLineItem>>(r.GetString(r.GetOrdinal("items")))!);

    private SqliteConnection Open()
    {
        var db = new SqliteConnection(_connection);
        db.Open();
        return db;
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
