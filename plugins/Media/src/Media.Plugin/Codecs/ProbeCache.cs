using System.Text.Json;
using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.Protocol.Codecs;

namespace Appliance.Plugins.Media.Plugin.Codecs;

/// <summary>
/// The last codec probe, kept in the plugin's data directory for the next start of the media process in the same
/// boot with the same FFmpeg and candidates (after a crash the probe is not run again: the same hardware and drivers
/// answer the same). Another boot, FFmpeg version or candidate list, or a file that does not read back exactly,
/// means probing again. A codec that failed at run time is not kept here (<see cref="CodecBook"/> starts clean).
/// </summary>
internal static class ProbeCache
{
    public const string FileName = "codec-probe.json";

    /// <summary>What a kept probe must match: the boot, the FFmpeg versions and the candidates in order.</summary>
    public static string Key(string bootId, FFmpegVersions versions, IEnumerable<CodecCandidate> candidates) =>
        $"{bootId}|{versions}|{string.Join(",", candidates.Select(c => $"{c.FFmpegName}+{c.HardwareDevice}:{c.Direction}"))}";

    /// <summary>This boot's id (<c>/proc/sys/kernel/random/boot_id</c>); null where there is none (then nothing is kept).</summary>
    public static string? BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The kept outcomes if <paramref name="json"/> was written under <paramref name="key"/> for exactly these
    /// candidates; null for anything else (another key, a missing or extra candidate, not this shape, not JSON).</summary>
    public static IReadOnlyList<ProbeOutcome>? Read(string json, string key, IReadOnlyList<CodecCandidate> candidates)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("key", out var k) || k.ValueKind != JsonValueKind.String || k.GetString() != key
                || !root.TryGetProperty("outcomes", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() != candidates.Count)
                return null;
            var outcomes = new List<ProbeOutcome>(candidates.Count);
            foreach (var (item, candidate) in list.EnumerateArray().Zip(candidates))
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("codec", out var codec) || codec.ValueKind != JsonValueKind.String
                    || codec.GetString() != candidate.FFmpegName || !item.TryGetProperty("opened", out var opened) || opened.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    return null;
                var error = item.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                outcomes.Add(new ProbeOutcome(candidate, opened.GetBoolean(), error));
            }
            return outcomes;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Write(string key, IReadOnlyList<ProbeOutcome> outcomes) =>
        JsonSerializer.Serialize(new { key, outcomes = outcomes.Select(o => new { codec = o.Candidate.FFmpegName, opened = o.Opened, error = o.Error }) });

    /// <summary>The kept probe of this boot if it fits, else a new probe (then kept for the next start); says which.</summary>
    public static (IReadOnlyList<ProbeOutcome> Outcomes, bool Reused) ProbeOrReuse(string folder, FFmpegRuntime runtime, IReadOnlyList<CodecCandidate> candidates)
    {
        var bootId = BootId();
        var path = Path.Combine(folder, FileName);
        if (bootId is null) return (CodecProber.Probe(runtime, candidates), false);
        var key = Key(bootId, runtime.Versions, candidates);
        try
        {
            if (File.Exists(path) && Read(File.ReadAllText(path), key, candidates) is { } kept) return (kept, true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        var outcomes = CodecProber.Probe(runtime, candidates);
        try
        {
            Directory.CreateDirectory(folder);
            var temporary = path + ".new";
            File.WriteAllText(temporary, Write(key, outcomes));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return (outcomes, false);
    }
}
