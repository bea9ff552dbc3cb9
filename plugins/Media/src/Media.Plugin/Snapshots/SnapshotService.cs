using Appliance.Abstractions;
using Appliance.Plugins.Media.Plugin.Cameras;

namespace Appliance.Plugins.Media.Plugin.Snapshots;

/// <summary>A JPEG of a camera's latest frame and its entity tag (changes with every decoded frame).</summary>
internal sealed record Snapshot(string CameraId, byte[] Jpeg, string ETag, long FrameNumber);

/// <summary>
/// Snapshots on demand: the latest frame of a camera as JPEG, encoded once per frame (a second request for the same
/// frame gets the cached bytes and the same ETag).
/// </summary>
internal sealed class SnapshotService(Func<string, CameraPipeline?> pipelines)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Snapshot> _cache = new(StringComparer.Ordinal);

    /// <summary>The snapshot, or <c>not-found</c> (no such camera) / <c>no-frame</c> (nothing decoded yet).</summary>
    public Result<Snapshot> Latest(string cameraId)
    {
        var pipeline = pipelines(cameraId);
        if (pipeline is null) return Result<Snapshot>.Fail("not-found", $"no camera '{cameraId}' is being decoded");
        var taken = pipeline.Latest.Take();
        if (taken is not { } t) return Result<Snapshot>.Fail("no-frame", $"camera '{cameraId}' has not delivered a decodable frame yet");
        using var frame = t.Frame;
        lock (_gate)
        {
            if (_cache.TryGetValue(cameraId, out var cached) && cached.FrameNumber == t.Number) return cached;
        }
        var jpeg = pipeline.Snapshots.Encode(frame.View());
        if (!jpeg.IsOk) return Result<Snapshot>.Fail(jpeg.Failure!);
        var snapshot = new Snapshot(cameraId, jpeg.Value, $"\"{pipeline.Latest.Epoch:x}-{t.Number}\"", t.Number);
        lock (_gate) _cache[cameraId] = snapshot;
        return snapshot;
    }
}
