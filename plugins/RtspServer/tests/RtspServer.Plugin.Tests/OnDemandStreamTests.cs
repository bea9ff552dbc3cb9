using Appliance.Abstractions.Media;

namespace Appliance.Plugins.RtspServer.Plugin.Tests;

/// <summary>
/// A derived stream (the media plugin's <c>camera/{id}/sd</c>) is published only while the hub has a subscriber for
/// it. A client asking the server for it is that subscriber: DESCRIBE of a not yet published sub-name of a published
/// stream subscribes and waits for it, instead of answering 404 before anyone could make it.
/// </summary>
public sealed class OnDemandStreamTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Ffprobe_plays_a_stream_that_is_published_only_while_someone_subscribes()
    {
        await using var rig = await ServerRig.StartAsync();
        await using var relay = new OnDemandRelay(rig.Hub, ServerRig.StreamName, ServerRig.StreamName + "/sd");
        Assert.DoesNotContain(rig.Hub.Streams, s => s.Name == ServerRig.StreamName + "/sd");

        var probe = await Peer.RunAsync("ffprobe", ["-v", "error", "-rtsp_transport", "tcp", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", rig.Url + "/sd"], Deadline);
        Assert.True(probe.ExitCode == 0, probe.Stderr);
        Assert.Equal("h264,640,360", probe.Stdout.Trim());
        var decode = await Peer.RunAsync("ffmpeg", ["-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i", rig.Url + "/sd", "-frames:v", "25", "-f", "null", "-"], Deadline);
        Assert.True(decode.ExitCode == 0 && decode.Stderr.Trim().Length == 0, decode.Stderr);
        // Nobody watches any more: the server's demand ends and the producer withdraws the stream.
        await ServerRig.Until(() => rig.Hub.Streams.All(s => s.Name != ServerRig.StreamName + "/sd"), "the stream withdrawn once nobody watches");
        Assert.True(relay.Published >= 1);
    }

    [Theory]
    [InlineData("/camera/cam1/nobody-makes-this")]
    [InlineData("/camera/absent/sd")]
    [InlineData("/nothing")]
    public async Task A_stream_nobody_publishes_is_still_404(string path)
    {
        await using var rig = await ServerRig.StartAsync();
        var probe = await Peer.RunAsync("ffprobe", ["-v", "error", "-rtsp_transport", "tcp", "-show_entries", "stream=codec_name", "-of", "csv=p=0", $"rtsp://127.0.0.1:{rig.Port}{path}"], Deadline);
        Assert.NotEqual(0, probe.ExitCode);
        Assert.Contains("404", probe.Stderr);
        Assert.DoesNotContain(rig.Hub.Streams, s => s.Name != ServerRig.StreamName);
    }

    /// <summary>A producer like the media plugin's derived streams: publishes <c>target</c> (the source's units, unchanged)
    /// only while the hub counts a subscriber for it, and withdraws it when nobody watches.</summary>
    private sealed class OnDemandRelay : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;

        public OnDemandRelay(IStreamHub hub, string source, string target) => _run = Task.Run(() => RunAsync(hub, source, target));

        public int Published { get; private set; }

        private async Task RunAsync(IStreamHub hub, string source, string target)
        {
            while (!_stop.IsCancellationRequested)
            {
                if (hub.SubscriberCount(target) == 0)
                {
                    await Task.Delay(50);
                    continue;
                }
                Published++;
                using var input = hub.Subscribe(source);
                using var output = hub.Publish(hub.Streams.First(s => s.Name == source) with { Name = target });
                while (!_stop.IsCancellationRequested && hub.SubscriberCount(target) > 0)
                {
                    using var cycle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    cycle.CancelAfter(TimeSpan.FromMilliseconds(200));
                    try
                    {
                        output.Write(await input.ReadAsync(cycle.Token));
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run;
            _stop.Dispose();
        }
    }
}
