using System.Buffers;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Tests.Shared;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>
/// A camera made of an ffmpeg-generated elementary stream, published into the real hub as <c>camera/{id}</c> the
/// way the RTSP ingest does (one Annex-B access unit per frame, 90 kHz timestamps, keyframe flags), looping.
/// </summary>
public sealed class FileCamera : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private FileCamera(IStreamHub hub, string id, VideoFormat format, List<ReadOnlyMemory<byte>> units, int fps, bool loop, Func<int, ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>? damage)
    {
        _run = Task.Run(async () =>
        {
            using var publisher = hub.Publish(new StreamDescriptor($"camera/{id}",
                [new MediaTrack(0, format == VideoFormat.H265 ? MediaCodec.H265 : MediaCodec.H264, 90000, format.ToString(), [])]));
            long n = 0;
            do
            {
                for (var i = 0; i < units.Count && !_stop.IsCancellationRequested; i++, n++)
                {
                    var payload = damage is null ? units[i] : damage(i, units[i]);
                    var unit = AccessUnit.Rent(ArrayPool<byte>.Shared, payload.Length, 0, n * (90000 / fps), IsKeyframe(units[i].Span, format));
                    unit.Append(payload.Span);
                    publisher.Write(unit);
                    Sent++;
                    await Task.Delay(1000 / fps);
                }
            } while (loop && !_stop.IsCancellationRequested);
            Finished = true;
        });
    }

    public long Sent { get; private set; }

    public bool Finished { get; private set; }

    public static FileCamera Start(IStreamHub hub, string id, string file, VideoFormat format, int fps = 25, bool loop = true,
        Func<int, ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>? damage = null) =>
        new(hub, id, format, Clips.AccessUnits(file, format), fps, loop, damage);

    /// <summary>True when the unit holds an IDR (H.264 type 5) or IRAP (H.265 types 16-21) NAL unit.</summary>
    public static bool IsKeyframe(ReadOnlySpan<byte> unit, VideoFormat format)
    {
        for (var i = 0; i + 3 < unit.Length; i++)
        {
            if (unit[i] != 0 || unit[i + 1] != 0 || unit[i + 2] != 1) continue;
            var header = unit[i + 3];
            if (format == VideoFormat.H264 ? (header & 0x1f) == 5 : ((header >> 1) & 0x3f) is >= 16 and <= 21) return true;
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _run;
    }
}
