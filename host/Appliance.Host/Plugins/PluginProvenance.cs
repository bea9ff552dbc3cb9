using System.Text.Json;

namespace Appliance.Host.Plugins;

/// <summary>How an installed plugin version arrived: through the signed catalog or as an unsigned upload.</summary>
public sealed record PluginOrigin(string Version, bool Signed, DateTimeOffset InstalledAt);

/// <summary>
/// Where each installed plugin came from, kept in <c>{data}/plugin-provenance.json</c> (written whole, atomically):
/// the security report tells signed packages from unsigned uploads and from folders dropped in by hand (no entry).
/// Bundled plugins need no entry: they are the image's own.
/// </summary>
public sealed class PluginProvenance(string path, TimeProvider time)
{
    private readonly Lock _gate = new();

    public void Record(string id, string version, bool signed)
    {
        lock (_gate)
        {
            var all = ReadAll();
            all[id] = new PluginOrigin(version, signed, time.GetUtcNow());
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(all, JsonSerializerOptions.Web));
            File.Move(temporary, path, overwrite: true);
        }
    }

    /// <summary>The origin of <paramref name="id"/> if the recorded version is <paramref name="version"/>.</summary>
    public PluginOrigin? Of(string id, string version)
    {
        lock (_gate) return ReadAll().TryGetValue(id, out var origin) && origin.Version == version ? origin : null;
    }

    private Dictionary<string, PluginOrigin> ReadAll()
    {
        if (!File.Exists(path)) return new(StringComparer.Ordinal);
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, PluginOrigin>>(File.ReadAllText(path), JsonSerializerOptions.Web) ?? new(StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            // A damaged file proves nothing: every plugin reads as of unknown origin (unsigned) until reinstalled.
            return new(StringComparer.Ordinal);
        }
    }
}
