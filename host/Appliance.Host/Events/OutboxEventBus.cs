using System.Collections.Concurrent;
using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Host.Storage;
using Microsoft.Data.Sqlite;
using EventHandler = Appliance.Abstractions.Events.EventHandler;

namespace Appliance.Host.Events;

/// <summary>
/// The event bus. Publishing appends to the <c>events</c> table and returns once committed, so an
/// accepted event survives <c>kill -9</c>. Each durable subscription has a cursor in <c>subscriptions</c>;
/// a delivery loop hands it every later event in order and moves the cursor only after the handler
/// succeeded: at-least-once, with at most the in-flight event repeated after a crash.
/// </summary>
public sealed class OutboxEventBus : IAsyncDisposable
{
    private readonly Database _db;
    private readonly ILogger<OutboxEventBus> _log;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, SubscriptionLoop> _active = new();

    public OutboxEventBus(Database db, ILogger<OutboxEventBus> log, TimeProvider time)
    {
        _db = db;
        _log = log;
        _time = time;
    }

    /// <summary>Raised after an event is committed (in-process observers: metrics, live tail). Must not block.</summary>
    public event Action<EventEnvelope>? Appended;

    public EventEnvelope Publish(string source, IApplianceEvent @event)
    {
        var type = @event.GetType().Name;
        var data = JsonSerializer.SerializeToElement(@event, @event.GetType(), EventEnvelope.SerializerOptions);
        return Append(source, type, @event.Category, data);
    }

    public EventEnvelope Append(string source, string type, EventCategory category, JsonElement data)
    {
        var id = Guid.NewGuid();
        var at = _time.GetUtcNow();
        long seq;
        using (var connection = _db.Open())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = """
                INSERT INTO events (id, type, category, source, occurred_at, data)
                VALUES ($id, $type, $category, $source, $at, $data);
                SELECT last_insert_rowid();
                """;
            cmd.Parameters.AddWithValue("$id", id.ToString());
            cmd.Parameters.AddWithValue("$type", type);
            cmd.Parameters.AddWithValue("$category", category.ToString());
            cmd.Parameters.AddWithValue("$source", source);
            cmd.Parameters.AddWithValue("$at", at.ToString("O"));
            cmd.Parameters.AddWithValue("$data", data.GetRawText());
            seq = (long)cmd.ExecuteScalar()!;
        }
        var envelope = new EventEnvelope(seq, id, type, category, source, at, data);
        foreach (var loop in _active.Values) loop.Wake();
        try
        {
            Appended?.Invoke(envelope);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "An in-process event observer failed");
        }
        return envelope;
    }

    /// <summary>
    /// Attaches a handler to the durable subscription <paramref name="name"/> (created at the current end
    /// of the log if new). Only one handler per name at a time.
    /// </summary>
    public IAsyncDisposable Subscribe(string name, IReadOnlyCollection<string> types, EventHandler handler)
    {
        var typeList = types.Distinct().OrderBy(t => t, StringComparer.Ordinal).ToArray();
        EnsureSubscription(name, typeList);
        return Attach(name, new SubscriptionLoop(this, name, typeList, handler));
    }

    /// <summary>
    /// As <see cref="Subscribe"/>, for a handler that takes runs of up to <paramref name="maxBatch"/> events at once
    /// (see <see cref="BatchEventHandler"/>): the cursor moves once per run, past the events it reports delivered.
    /// </summary>
    public IAsyncDisposable SubscribeBatch(string name, IReadOnlyCollection<string> types, int maxBatch, BatchEventHandler handler)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        var typeList = types.Distinct().OrderBy(t => t, StringComparer.Ordinal).ToArray();
        EnsureSubscription(name, typeList);
        return Attach(name, new SubscriptionLoop(this, name, typeList, handler, maxBatch));
    }

    private Detach Attach(string name, SubscriptionLoop loop)
    {
        if (!_active.TryAdd(name, loop))
            throw new InvalidOperationException($"subscription '{name}' already has a handler attached");
        loop.Start();
        return new Detach(this, name, loop);
    }

    public IReadOnlyList<EventEnvelope> Recent(int limit, long? beforeSeq = null, long? afterSeq = null, string? type = null) =>
        Find(new EventLogFilter(Type: type), limit, beforeSeq, afterSeq);

    /// <summary>
    /// Up to <paramref name="limit"/> events that pass <paramref name="filter"/>: the newest before <paramref name="beforeSeq"/>
    /// (or of all) newest first, or with <paramref name="afterSeq"/> the oldest after it, oldest first.
    /// </summary>
    public IReadOnlyList<EventEnvelope> Find(EventLogFilter filter, int limit, long? beforeSeq = null, long? afterSeq = null)
    {
        limit = Math.Clamp(limit, 1, 1000);
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        var where = new List<string>();
        void Add(string condition, string name, object value)
        {
            where.Add(condition);
            cmd.Parameters.AddWithValue(name, value);
        }
        if (beforeSeq is not null) Add("seq < $before", "$before", beforeSeq);
        if (afterSeq is not null) Add("seq > $after", "$after", afterSeq);
        if (filter.Type is not null) Add("type = $type", "$type", filter.Type);
        if (filter.CameraId is not null) Add("json_extract(data, '$.cameraId') = $camera", "$camera", filter.CameraId);
        // occurred_at is stored as UTC in the round-trip format, so text order is time order.
        if (filter.From is { } from) Add("occurred_at >= $from", "$from", from.ToUniversalTime().ToString("O"));
        if (filter.Until is { } until) Add("occurred_at < $until", "$until", until.ToUniversalTime().ToString("O"));
        var hidden = filter.HiddenTypes ?? [];
        var i = 0;
        foreach (var t in hidden) Add($"type <> $hidden{i}", $"$hidden{i++}", t);
        var order = afterSeq is not null ? "ASC" : "DESC";
        cmd.CommandText = $"SELECT seq, id, type, category, source, occurred_at, data FROM events {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY seq {order} LIMIT $limit";
        cmd.Parameters.AddWithValue("$limit", limit);
        return ReadEnvelopes(cmd);
    }

    public IReadOnlyList<SubscriptionStatus> Subscriptions()
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT s.name, s.types, s.cursor, s.delivered, s.failures, s.last_error,
                   (SELECT COUNT(*) FROM events e WHERE e.seq > s.cursor) AS pending_upper_bound
            FROM subscriptions s ORDER BY s.name
            """;
        using var reader = cmd.ExecuteReader();
        var list = new List<SubscriptionStatus>();
        while (reader.Read())
        {
            var name = reader.GetString(0);
            list.Add(new SubscriptionStatus(
                name,
                reader.GetString(1).Split(',', StringSplitOptions.RemoveEmptyEntries),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt64(6),
                _active.ContainsKey(name)));
        }
        return list;
    }

    /// <summary>
    /// Deletes events older than <paramref name="olderThan"/> that every durable subscription has already
    /// received (an event still owed to a subscriber is never deleted). Returns how many went.
    /// </summary>
    public int Prune(DateTimeOffset olderThan)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            DELETE FROM events
            WHERE occurred_at < $cutoff
              AND seq <= COALESCE((SELECT MIN(cursor) FROM subscriptions), (SELECT MAX(seq) FROM events))
            """;
        cmd.Parameters.AddWithValue("$cutoff", olderThan.ToUniversalTime().ToString("O"));
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Forgets one durable subscription (a feature switched off no longer owes its events to anyone).</summary>
    public bool RemoveSubscription(string name)
    {
        if (_active.ContainsKey(name)) return false;
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "DELETE FROM subscriptions WHERE name = $name";
        cmd.Parameters.AddWithValue("$name", name);
        return cmd.ExecuteNonQuery() > 0;
    }

    /// <summary>Forgets the durable subscriptions whose names start with <paramref name="prefix"/> (an uninstalled plugin's).</summary>
    public int RemoveSubscriptions(string prefix)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "DELETE FROM subscriptions WHERE substr(name, 1, length($prefix)) = $prefix";
        cmd.Parameters.AddWithValue("$prefix", prefix);
        return cmd.ExecuteNonQuery();
    }

    internal IReadOnlyList<EventEnvelope> ReadAfter(long cursor, IReadOnlyList<string> types, int limit)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        var filter = "";
        if (types.Count > 0)
        {
            var names = new List<string>();
            for (var i = 0; i < types.Count; i++)
            {
                names.Add($"$t{i}");
                cmd.Parameters.AddWithValue($"$t{i}", types[i]);
            }
            filter = $"AND type IN ({string.Join(",", names)})";
        }
        cmd.CommandText = $"SELECT seq, id, type, category, source, occurred_at, data FROM events WHERE seq > $cursor {filter} ORDER BY seq LIMIT $limit";
        cmd.Parameters.AddWithValue("$cursor", cursor);
        cmd.Parameters.AddWithValue("$limit", limit);
        return ReadEnvelopes(cmd);
    }

    internal long Cursor(string name)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT cursor FROM subscriptions WHERE name = $name";
        cmd.Parameters.AddWithValue("$name", name);
        return (long)cmd.ExecuteScalar()!;
    }

    internal void Acknowledge(string name, long seq, int count = 1)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE subscriptions SET cursor = $seq, delivered = delivered + $count, updated_at = $at WHERE name = $name AND cursor < $seq";
        cmd.Parameters.AddWithValue("$seq", seq);
        cmd.Parameters.AddWithValue("$count", count);
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$at", _time.GetUtcNow().ToString("O"));
        cmd.ExecuteNonQuery();
    }

    internal void RecordFailure(string name, Exception error)
    {
        _log.LogWarning(error, "Subscriber {Subscription} failed; the event will be delivered again", name);
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE subscriptions SET failures = failures + 1, last_error = $error, updated_at = $at WHERE name = $name";
        cmd.Parameters.AddWithValue("$error", $"{error.GetType().Name}: {error.Message}");
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$at", _time.GetUtcNow().ToString("O"));
        cmd.ExecuteNonQuery();
    }

    internal ILogger Log => _log;

    internal TimeProvider Time => _time;

    private void EnsureSubscription(string name, string[] types)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO subscriptions (name, types, cursor, updated_at)
            VALUES ($name, $types, (SELECT COALESCE(MAX(seq), 0) FROM events), $at)
            ON CONFLICT(name) DO UPDATE SET types = excluded.types
            """;
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$types", string.Join(",", types));
        cmd.Parameters.AddWithValue("$at", _time.GetUtcNow().ToString("O"));
        cmd.ExecuteNonQuery();
    }

    private static List<EventEnvelope> ReadEnvelopes(SqliteCommand cmd)
    {
        var list = new List<EventEnvelope>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            using var doc = JsonDocument.Parse(reader.GetString(6));
            list.Add(new EventEnvelope(
                reader.GetInt64(0),
                Guid.Parse(reader.GetString(1)),
                reader.GetString(2),
                Enum.Parse<EventCategory>(reader.GetString(3)),
                reader.GetString(4),
                DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture),
                doc.RootElement.Clone()));
        }
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (name, loop) in _active.ToArray())
        {
            _active.TryRemove(name, out _);
            await loop.DisposeAsync();
        }
    }

    private sealed class Detach(OutboxEventBus bus, string name, SubscriptionLoop loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            bus._active.TryRemove(new KeyValuePair<string, SubscriptionLoop>(name, loop));
            await loop.DisposeAsync();
        }
    }
}

public sealed record SubscriptionStatus(
    string Name,
    IReadOnlyList<string> Types,
    long Cursor,
    long Delivered,
    long Failures,
    string? LastError,
    long PendingUpperBound,
    bool Attached);
