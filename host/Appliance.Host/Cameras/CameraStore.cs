using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Host.Security;
using Appliance.Host.Storage;
using Microsoft.Data.Sqlite;

namespace Appliance.Host.Cameras;

/// <summary>What the API accepts to add or change a camera. An RTSP URL alone is enough.</summary>
public sealed record CameraInput(
    string? Name,
    string? StreamUri,
    string? OnvifUri,
    string? Username,
    string? Password,
    bool? Enabled,
    CameraOverrides? Overrides,
    string? Source);

/// <summary>A camera as the API shows it: never the password.</summary>
public sealed record CameraView(
    string Id,
    string Name,
    bool Enabled,
    string? StreamUri,
    string? OnvifUri,
    string? Username,
    bool HasPassword,
    CameraOverrides Overrides,
    string Source,
    StreamHealth? Health,
    StreamHealth? SubHealth = null,
    StreamProof? Stream = null);

/// <summary>
/// The camera inventory in SQLite, credentials sealed with <see cref="SecretBox"/>. Watchers (plugins)
/// are told after every change.
/// </summary>
public sealed class CameraStore
{
    private readonly Database _db;
    private readonly SecretBox _secrets;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly List<Action<IReadOnlyList<CameraInfo>>> _watchers = [];
    private readonly Dictionary<string, StreamHealth> _health = new();
    private readonly Dictionary<string, StreamHealth> _subHealth = new();
    private readonly Dictionary<string, StreamProof> _proofs = new();

    public CameraStore(Database db, SecretBox secrets, TimeProvider time)
    {
        _db = db;
        _secrets = secrets;
        _time = time;
        MoveStoredCredentialsOutOfUris();
    }

    /// <summary>Rows written before credentials were moved out of URLs: done once at start.</summary>
    private void MoveStoredCredentialsOutOfUris()
    {
        foreach (var camera in List().Where(c => c.StreamUri?.Contains('@') == true || c.OnvifUri?.Contains('@') == true))
        {
            var moved = CameraCredentials.MoveOutOfUris(new CameraInput(null, camera.StreamUri, camera.OnvifUri, camera.Username, camera.Password, null, null, null));
            using var connection = _db.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "UPDATE cameras SET stream_uri = $stream, onvif_uri = $onvif, username = $user, password_secret = $secret WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", camera.Id);
            cmd.Parameters.AddWithValue("$stream", (object?)moved.StreamUri ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$onvif", (object?)moved.OnvifUri ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$user", (object?)moved.Username ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$secret", moved.Password is null ? DBNull.Value : _secrets.Seal(moved.Password));
            cmd.ExecuteNonQuery();
        }
    }

    public IReadOnlyList<CameraInfo> List()
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, name, enabled, stream_uri, onvif_uri, username, password_secret, overrides, source FROM cameras ORDER BY name, id";
        using var reader = cmd.ExecuteReader();
        var list = new List<CameraInfo>();
        while (reader.Read()) list.Add(Read(reader));
        return list;
    }

    public IReadOnlyList<CameraView> Views()
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, name, enabled, stream_uri, onvif_uri, username, password_secret, overrides, source FROM cameras ORDER BY name, id";
        using var reader = cmd.ExecuteReader();
        var list = new List<CameraView>();
        while (reader.Read()) list.Add(ToView(Read(reader), reader.GetString(8)));
        return list;
    }

    public CameraView? Get(string id) => Views().FirstOrDefault(v => v.Id == id);

    public StreamHealth? Health(string id)
    {
        lock (_gate) return _health.GetValueOrDefault(id);
    }

    public StreamHealth? SubHealth(string id)
    {
        lock (_gate) return _subHealth.GetValueOrDefault(id);
    }

    public Result<CameraView> Add(CameraInput input)
    {
        input = CameraCredentials.MoveOutOfUris(input);
        var errors = CameraValidation.Validate(input, requireLocation: true);
        if (errors.Count > 0) return Failure.Invalid(errors);
        var id = CameraValidation.NewId(input.Name ?? input.StreamUri ?? input.OnvifUri!, List().Select(c => c.Id));
        var now = _time.GetUtcNow().ToString("O");
        using (var connection = _db.Open())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = """
                INSERT INTO cameras (id, name, enabled, stream_uri, onvif_uri, username, password_secret, overrides, source, created_at, updated_at)
                VALUES ($id, $name, $enabled, $stream, $onvif, $user, $secret, $overrides, $source, $now, $now)
                """;
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$name", (input.Name ?? id).Trim());
            cmd.Parameters.AddWithValue("$enabled", input.Enabled ?? true ? 1 : 0);
            cmd.Parameters.AddWithValue("$stream", (object?)input.StreamUri ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$onvif", (object?)input.OnvifUri ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$user", (object?)input.Username ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$secret", input.Password is null ? DBNull.Value : _secrets.Seal(input.Password));
            cmd.Parameters.AddWithValue("$overrides", JsonSerializer.Serialize(input.Overrides ?? new CameraOverrides()));
            cmd.Parameters.AddWithValue("$source", input.Source ?? "manual");
            cmd.Parameters.AddWithValue("$now", now);
            cmd.ExecuteNonQuery();
        }
        Notify();
        return Result<CameraView>.Ok(Get(id)!);
    }

    public Result<CameraView> Update(string id, CameraInput input)
    {
        var current = List().FirstOrDefault(c => c.Id == id);
        if (current is null) return Result<CameraView>.Fail(CameraRefusal.NotFound, $"camera '{id}' does not exist");
        input = CameraCredentials.MoveOutOfUris(input);
        var errors = CameraValidation.Validate(input, requireLocation: false);
        // Stored credentials never follow the camera to another host or port: the password must be given again.
        if (current.Password is not null && input.Password is null && CameraCredentials.AddressChanges(current, input))
            errors.Add("password: the camera's host or port changes; give its password again (stored credentials never follow an address change)");
        if (errors.Count > 0) return Failure.Invalid(errors);
        using (var connection = _db.Open())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = """
                UPDATE cameras SET name = $name, enabled = $enabled, stream_uri = $stream, onvif_uri = $onvif,
                    username = $user, password_secret = COALESCE($secret, password_secret), overrides = $overrides, updated_at = $now
                WHERE id = $id
                """;
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$name", input.Name?.Trim() ?? current.Name);
            cmd.Parameters.AddWithValue("$enabled", input.Enabled ?? current.Enabled ? 1 : 0);
            cmd.Parameters.AddWithValue("$stream", (object?)(input.StreamUri ?? current.StreamUri) ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$onvif", (object?)(input.OnvifUri ?? current.OnvifUri) ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$user", (object?)(input.Username ?? current.Username) ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$secret", input.Password is null ? DBNull.Value : _secrets.Seal(input.Password));
            cmd.Parameters.AddWithValue("$overrides", JsonSerializer.Serialize(input.Overrides ?? current.Overrides));
            cmd.Parameters.AddWithValue("$now", _time.GetUtcNow().ToString("O"));
            cmd.ExecuteNonQuery();
        }
        Notify();
        return Result<CameraView>.Ok(Get(id)!);
    }

    public bool Delete(string id)
    {
        int rows;
        using (var connection = _db.Open())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "DELETE FROM cameras WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", id);
            rows = cmd.ExecuteNonQuery();
        }
        lock (_gate)
        {
            _health.Remove(id);
            _subHealth.Remove(id);
            _proofs.Remove(id);
        }
        if (rows > 0) Notify();
        return rows > 0;
    }

    /// <summary>After the table was replaced underneath (a restored backup): forget health of cameras gone, tell the watchers.</summary>
    public void Reload()
    {
        var ids = List().Select(c => c.Id).ToHashSet();
        lock (_gate)
        {
            foreach (var gone in _health.Keys.Where(id => !ids.Contains(id)).ToList()) _health.Remove(gone);
            foreach (var gone in _subHealth.Keys.Where(id => !ids.Contains(id)).ToList()) _subHealth.Remove(gone);
            foreach (var gone in _proofs.Keys.Where(id => !ids.Contains(id)).ToList()) _proofs.Remove(gone);
        }
        Notify();
    }

    public Task SetStreamUriAsync(string cameraId, string streamUri)
    {
        streamUri = CameraCredentials.WithoutUserInfo(streamUri)!;
        if (!CameraValidation.IsRtspUri(streamUri))
            throw new ArgumentException($"'{streamUri}' is not an rtsp:// or rtsps:// URI", nameof(streamUri));
        using (var connection = _db.Open())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "UPDATE cameras SET stream_uri = $uri, updated_at = $now WHERE id = $id AND COALESCE(stream_uri, '') <> $uri";
            cmd.Parameters.AddWithValue("$id", cameraId);
            cmd.Parameters.AddWithValue("$uri", streamUri);
            cmd.Parameters.AddWithValue("$now", _time.GetUtcNow().ToString("O"));
            if (cmd.ExecuteNonQuery() == 0) return Task.CompletedTask;
        }
        Notify();
        return Task.CompletedTask;
    }

    /// <summary>A sub stream a plugin found (a second ONVIF profile): kept in the overrides unless one is configured.</summary>
    public Task SetSubStreamUriAsync(string cameraId, string streamUri)
    {
        streamUri = CameraCredentials.WithoutUserInfo(streamUri)!;
        if (!CameraValidation.IsRtspUri(streamUri))
            throw new ArgumentException($"'{streamUri}' is not an rtsp:// or rtsps:// URI", nameof(streamUri));
        var current = List().FirstOrDefault(c => c.Id == cameraId);
        if (current is null || current.Overrides.SubStreamUri is not null) return Task.CompletedTask;
        using (var connection = _db.Open())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "UPDATE cameras SET overrides = $overrides, updated_at = $now WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", cameraId);
            cmd.Parameters.AddWithValue("$overrides", JsonSerializer.Serialize(current.Overrides with { SubStreamUri = streamUri }));
            cmd.Parameters.AddWithValue("$now", _time.GetUtcNow().ToString("O"));
            cmd.ExecuteNonQuery();
        }
        Notify();
        return Task.CompletedTask;
    }

    public void ReportStreamHealth(string cameraId, StreamHealth health)
    {
        lock (_gate) _health[cameraId] = health;
    }

    public void ReportSubStreamHealth(string cameraId, StreamHealth health)
    {
        lock (_gate) _subHealth[cameraId] = health;
    }

    /// <summary>What the last successful probe of the camera's stream found (in memory, like health).</summary>
    public void RecordProof(string cameraId, StreamProof proof)
    {
        lock (_gate) _proofs[cameraId] = proof;
    }

    public StreamProof? Proof(string id)
    {
        lock (_gate) return _proofs.GetValueOrDefault(id);
    }

    public IDisposable Watch(Action<IReadOnlyList<CameraInfo>> onChanged)
    {
        lock (_gate) _watchers.Add(onChanged);
        onChanged(List());
        return new Unwatch(this, onChanged);
    }

    private void Notify()
    {
        Action<IReadOnlyList<CameraInfo>>[] watchers;
        lock (_gate) watchers = _watchers.ToArray();
        var cameras = List();
        foreach (var watcher in watchers) watcher(cameras);
    }

    private CameraInfo Read(SqliteDataReader reader)
    {
        var secret = reader.IsDBNull(6) ? null : reader.GetString(6);
        return new CameraInfo(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetInt64(2) != 0,
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            secret is null ? null : _secrets.Open(secret),
            JsonSerializer.Deserialize<CameraOverrides>(reader.GetString(7)) ?? new CameraOverrides());
    }

    private CameraView ToView(CameraInfo camera, string source) =>
        new(camera.Id, camera.Name, camera.Enabled, camera.StreamUri, camera.OnvifUri, camera.Username,
            camera.Password is not null, camera.Overrides, source, Health(camera.Id), SubHealth(camera.Id), Proof(camera.Id));

    private sealed class Unwatch(CameraStore store, Action<IReadOnlyList<CameraInfo>> watcher) : IDisposable
    {
        public void Dispose()
        {
            lock (store._gate) store._watchers.Remove(watcher);
        }
    }
}
