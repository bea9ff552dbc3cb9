using Microsoft.Data.Sqlite;

namespace Appliance.Plugins.Recording.Plugin.Index;

/// <summary>
/// The plugin's own SQLite database (<c>{DataDirectory}/recording.db</c>): segments by camera and arrival time, event
/// markers, clip jobs. One connection behind a lock (the recorders, the retention loop, the clip worker and the routes
/// all come through here); WAL with full sync, so a row written is a row kept after a power loss.
/// </summary>
public sealed class RecordingIndex : IDisposable
{
    private readonly object _gate = new();
    private readonly SqliteConnection _db;

    public RecordingIndex(string path)
    {
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS segments (
                id INTEGER PRIMARY KEY AUTOINCREMENT, camera TEXT NOT NULL, path TEXT NOT NULL UNIQUE,
                start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, first_pts INTEGER NOT NULL, last_pts INTEGER NOT NULL,
                bytes INTEGER NOT NULL, frames INTEGER NOT NULL, open INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS segments_by_time ON segments (camera, start_us);
            CREATE TABLE IF NOT EXISTS events (
                event_id TEXT NOT NULL, camera TEXT NOT NULL, at_us INTEGER NOT NULL, type TEXT NOT NULL,
                PRIMARY KEY (event_id, camera));
            CREATE INDEX IF NOT EXISTS events_by_time ON events (camera, at_us);
            CREATE TABLE IF NOT EXISTS clips (
                id TEXT PRIMARY KEY, camera TEXT NOT NULL, from_us INTEGER NOT NULL, to_us INTEGER NOT NULL, state TEXT NOT NULL,
                progress REAL NOT NULL, path TEXT, error TEXT, bytes INTEGER NOT NULL, frames INTEGER NOT NULL,
                seconds REAL NOT NULL, created_us INTEGER NOT NULL);
            """);
        // Indexes made before markers carried their text get the column (empty for their old markers).
        using (var hasDetail = Command("SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'detail'"))
            if ((long)hasDetail.ExecuteScalar()! == 0) Execute("ALTER TABLE events ADD COLUMN detail TEXT NOT NULL DEFAULT ''");
    }

    /// <summary>Adds a segment about to be written (before its file exists, so a crash leaves no file the index does not know).</summary>
    public long AddOpenSegment(string camera, string path, long startUs, long firstPts)
    {
        lock (_gate)
        {
            using var c = Command("""
                INSERT INTO segments (camera, path, start_us, end_us, first_pts, last_pts, bytes, frames, open)
                VALUES ($camera, $path, $start, $start, $pts, $pts, 0, 0, 1); SELECT last_insert_rowid();
                """, ("$camera", camera), ("$path", path), ("$start", startUs), ("$pts", firstPts));
            return (long)c.ExecuteScalar()!;
        }
    }

    /// <summary>Records a segment's extent; <paramref name="open"/> false when it is closed.</summary>
    public void UpdateSegment(long id, long endUs, long lastPts, long bytes, int frames, bool open)
    {
        lock (_gate)
        {
            using var c = Command("UPDATE segments SET end_us = $end, last_pts = $pts, bytes = $bytes, frames = $frames, open = $open WHERE id = $id",
                ("$end", endUs), ("$pts", lastPts), ("$bytes", bytes), ("$frames", frames), ("$open", open ? 1 : 0), ("$id", id));
            c.ExecuteNonQuery();
        }
    }

    public void DeleteSegment(long id)
    {
        lock (_gate)
        {
            using var c = Command("DELETE FROM segments WHERE id = $id", ("$id", id));
            c.ExecuteNonQuery();
        }
    }

    /// <summary>All segments, or one camera's, overlapping [fromUs, toUs], by start time.</summary>
    public IReadOnlyList<SegmentRow> Segments(string? camera = null, long fromUs = long.MinValue, long toUs = long.MaxValue)
    {
        lock (_gate)
        {
            using var c = Command("""
                SELECT id, camera, path, start_us, end_us, first_pts, last_pts, bytes, frames, open FROM segments
                WHERE ($camera IS NULL OR camera = $camera) AND end_us >= $from AND start_us <= $to ORDER BY start_us, id
                """, ("$camera", (object?)camera ?? DBNull.Value), ("$from", fromUs), ("$to", toUs));
            using var r = c.ExecuteReader();
            var rows = new List<SegmentRow>();
            while (r.Read())
                rows.Add(new SegmentRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6),
                    r.GetInt64(7), r.GetInt32(8), r.GetInt64(9) != 0));
            return rows;
        }
    }

    public IReadOnlyList<string> RecordedCameras()
    {
        lock (_gate)
        {
            using var c = Command("SELECT DISTINCT camera FROM segments ORDER BY camera");
            using var r = c.ExecuteReader();
            var cameras = new List<string>();
            while (r.Read()) cameras.Add(r.GetString(0));
            return cameras;
        }
    }

    /// <summary>Adds an event marker (an event seen twice, e.g. redelivered after a restart, is kept once).</summary>
    public void AddEvent(EventRow e)
    {
        lock (_gate)
        {
            using var c = Command("INSERT OR IGNORE INTO events (event_id, camera, at_us, type, detail) VALUES ($id, $camera, $at, $type, $detail)",
                ("$id", e.EventId), ("$camera", e.Camera), ("$at", e.AtUs), ("$type", e.Type), ("$detail", e.Detail));
            c.ExecuteNonQuery();
        }
    }

    public IReadOnlyList<EventRow> Events(string camera, long fromUs, long toUs)
    {
        lock (_gate)
        {
            using var c = Command("SELECT camera, at_us, type, event_id, detail FROM events WHERE camera = $camera AND at_us BETWEEN $from AND $to ORDER BY at_us",
                ("$camera", camera), ("$from", fromUs), ("$to", toUs));
            using var r = c.ExecuteReader();
            var rows = new List<EventRow>();
            while (r.Read()) rows.Add(new EventRow(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4)));
            return rows;
        }
    }

    /// <summary>Drops event markers older than <paramref name="beforeUs"/> (they went with their segments).</summary>
    public void DeleteEventsBefore(long beforeUs)
    {
        lock (_gate)
        {
            using var c = Command("DELETE FROM events WHERE at_us < $before", ("$before", beforeUs));
            c.ExecuteNonQuery();
        }
    }

    public void SaveClip(ClipRow clip)
    {
        lock (_gate)
        {
            using var c = Command("""
                INSERT OR REPLACE INTO clips (id, camera, from_us, to_us, state, progress, path, error, bytes, frames, seconds, created_us)
                VALUES ($id, $camera, $from, $to, $state, $progress, $path, $error, $bytes, $frames, $seconds, $created)
                """, ("$id", clip.Id), ("$camera", clip.Camera), ("$from", clip.FromUs), ("$to", clip.ToUs), ("$state", clip.State),
                ("$progress", clip.Progress), ("$path", (object?)clip.Path ?? DBNull.Value), ("$error", (object?)clip.Error ?? DBNull.Value),
                ("$bytes", clip.Bytes), ("$frames", clip.Frames), ("$seconds", clip.Seconds), ("$created", clip.CreatedUs));
            c.ExecuteNonQuery();
        }
    }

    public void DeleteClip(string id)
    {
        lock (_gate)
        {
            using var c = Command("DELETE FROM clips WHERE id = $id", ("$id", id));
            c.ExecuteNonQuery();
        }
    }

    public ClipRow? Clip(string id) => Clips(id).FirstOrDefault();

    /// <summary>Every clip job (newest first), or the one with <paramref name="id"/>.</summary>
    public IReadOnlyList<ClipRow> Clips(string? id = null)
    {
        lock (_gate)
        {
            using var c = Command("""
                SELECT id, camera, from_us, to_us, state, progress, path, error, bytes, frames, seconds, created_us FROM clips
                WHERE $id IS NULL OR id = $id ORDER BY created_us DESC
                """, ("$id", (object?)id ?? DBNull.Value));
            using var r = c.ExecuteReader();
            var rows = new List<ClipRow>();
            while (r.Read())
                rows.Add(new ClipRow(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4), r.GetDouble(5),
                    r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetInt64(8), r.GetInt32(9), r.GetDouble(10), r.GetInt64(11)));
            return rows;
        }
    }

    public void Dispose()
    {
        lock (_gate) _db.Dispose();
    }

    private void Execute(string sql)
    {
        using var c = Command(sql);
        c.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var c = _db.CreateCommand();
        c.CommandText = sql;
        foreach (var (name, value) in parameters) c.Parameters.AddWithValue(name, value);
        return c;
    }
}
