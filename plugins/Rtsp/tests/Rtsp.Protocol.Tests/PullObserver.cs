using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Sdp;
using Appliance.Testing;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>Copies what a session delivers (and releases the units at once).</summary>
public sealed class PullObserver : IRtspPullObserver
{
    private readonly object _gate = new();
    private readonly List<(int Track, MediaCodec Codec, long Timestamp, bool Key, bool AfterGap, byte[] Data)> _units = new();
    private int _playing;

    public RtspPullDescription? Description { get; private set; }

    public int ParameterChanges;

    /// <summary>Units that arrived before <see cref="OnPlaying"/> (the session must never do that).</summary>
    public int UnitsBeforePlaying;

    public void OnPlaying(RtspPullDescription description)
    {
        Description = description;
        Volatile.Write(ref _playing, 1);
    }

    public void OnAccessUnit(SdpTrack track, AccessUnit unit)
    {
        if (Volatile.Read(ref _playing) == 0) Interlocked.Increment(ref UnitsBeforePlaying);
        lock (_gate) _units.Add((track.Index, track.Codec, unit.Timestamp, unit.IsKeyframe, unit.AfterGap, unit.Payload.ToArray()));
        unit.Release();
    }

    public void OnParametersChanged(SdpTrack track, IReadOnlyList<byte[]> parameters) => Interlocked.Increment(ref ParameterChanges);

    public List<(int Track, MediaCodec Codec, long Timestamp, bool Key, bool AfterGap, byte[] Data)> Units
    {
        get { lock (_gate) return _units.ToList(); }
    }

    public int Count(MediaCodec codec)
    {
        lock (_gate) return _units.Count(u => u.Codec == codec);
    }

    /// <summary>Runs <paramref name="session"/> until <paramref name="done"/> holds (polling), then stops it.</summary>
    public static async Task<RtspPullOutcome> RunUntilAsync(RtspPullSession session, Func<bool> done, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource();
        var run = session.RunAsync(cts.Token);
        await Eventually.HoldsWithinAsync(() => done() || run.IsCompleted, timeout, TimeSpan.FromMilliseconds(50));
        cts.Cancel();
        return await run.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
