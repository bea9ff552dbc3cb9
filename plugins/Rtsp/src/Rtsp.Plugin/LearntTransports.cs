using System.Text.Json;
using Appliance.Plugins.Rtsp.Protocol.Client;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>
/// The transport that last worked per camera (automatic mode), kept in the plugin's data directory
/// (<c>learnt-transports.json</c>: camera id → stream URI and transport) so a restart starts with it. An entry
/// counts only for the stream URI it was learnt on. A missing or unreadable file is an empty memory.
/// </summary>
internal sealed class LearntTransports
{
    private const string FileName = "learnt-transports.json";
    private readonly object _gate = new();
    private readonly string? _path;
    private readonly Dictionary<string, Entry> _entries;

    public LearntTransports(string? dataDirectory)
    {
        _path = string.IsNullOrEmpty(dataDirectory) ? null : Path.Combine(dataDirectory, FileName);
        _entries = Load(_path);
    }

    public RtspTransportMode? Get(string cameraId, string streamUri)
    {
        lock (_gate)
            return _entries.TryGetValue(cameraId, out var e) && e.Uri == streamUri ? Parse(e.Transport) : null;
    }

    /// <summary>Remembers <paramref name="mode"/>; writes the file only when something changed.</summary>
    public void Set(string cameraId, string streamUri, RtspTransportMode mode)
    {
        var entry = new Entry(streamUri, TransportSelector.Name(mode));
        lock (_gate)
        {
            if (_entries.TryGetValue(cameraId, out var old) && old == entry) return;
            _entries[cameraId] = entry;
            if (_path is null) return;
            try
            {
                var temp = _path + ".tmp";
                File.WriteAllText(temp, JsonSerializer.Serialize(_entries));
                File.Move(temp, _path, overwrite: true);
            }
            catch (IOException)
            {
                // Memory only until the next successful write; the transport is learnt again after a restart.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static Dictionary<string, Entry> Load(string? path)
    {
        try
        {
            if (path is null || !File.Exists(path)) return new(StringComparer.Ordinal);
            var read = JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllText(path));
            return read is null ? new(StringComparer.Ordinal)
                : new(read.Where(kv => kv.Value?.Uri is not null && Parse(kv.Value.Transport) is not null), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return new(StringComparer.Ordinal);
        }
    }

    private static RtspTransportMode? Parse(string? text) => text switch
    {
        "tcp" => RtspTransportMode.Tcp,
        "udp" => RtspTransportMode.Udp,
        _ => null,
    };

    private sealed record Entry(string Uri, string Transport);
}
