using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;

namespace Appliance.TestPlugins.IsolationProbe;

/// <summary>
/// Config: <c>stream</c> (read it; payloads start with a little-endian int32 sequence number), <c>publishAs</c>
/// (republish every unit under this name, "" = no). Cues are files in its data directory: <c>crash</c>  and <c>forkaway</c> (start <c>sleep 300</c>, write its pid to
/// <c>forked.pid</c>, exit). Route <c>GET status</c>: <c>pid received gaps</c>; <c>GET subscribers/{name}</c>: the
/// stream's subscriber count as the plugin sees it.
/// </summary>
public sealed partial class IsolationProbePlugin : IPlugin
{
    private long _received;
    private long _gaps;

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var stream = context.Config.GetProperty("stream").GetString()!;
        var publishAs = context.Config.TryGetProperty("publishAs", out var p) ? p.GetString() ?? "" : "";
        var pid = Environment.ProcessId;
        context.Routes.Map("GET", "status", (_, _) =>
            Task.FromResult(PluginHttpResponse.Text($"{pid} {Interlocked.Read(ref _received)} {Interlocked.Read(ref _gaps)}")));
        context.Routes.Map("GET", "subscribers/{**name}", (request, _) =>
            Task.FromResult(PluginHttpResponse.Text(context.Streams.SubscriberCount(request.RouteValues["name"]).ToString())));
        var subscription = context.Streams.Subscribe(stream);
        // "also": more streams read by the same plugin (the 32-stream benchmark), each by its own loop.
        var also = context.Config.TryGetProperty("also", out var a) ? a.GetString() ?? "" : "";
        foreach (var extra in also.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var sub = context.Streams.Subscribe(extra);
            context.RunBackground("reader " + extra, async ct =>
            {
                using var _ = sub;
                while (!ct.IsCancellationRequested) (await sub.ReadAsync(ct)).Release();
            });
        }
        var publisher = publishAs == "" ? null : context.Streams.Publish(new StreamDescriptor(publishAs, []));
        context.RunBackground("reader", async ct =>
        {
            using var _ = subscription;
            using var __ = publisher;
            var last = -1;
            while (!ct.IsCancellationRequested)
            {
                var unit = await subscription.ReadAsync(ct);
                var seq = BinaryPrimitives.ReadInt32LittleEndian(unit.Payload.Span);
                if (last >= 0 && seq != last + 1) Interlocked.Increment(ref _gaps);
                last = seq;
                if (publisher is not null) publisher.Write(unit);
                else unit.Release();
                if (Interlocked.Increment(ref _received) % 25 == 1)
                    context.Health.Report("reader", HealthState.Healthy, $"pid {pid} received {Interlocked.Read(ref _received)}");
            }
        });
        context.RunBackground("cues", async ct =>
        {
            var crash = Path.Combine(context.DataDirectory, "crash");
            var forkaway = Path.Combine(context.DataDirectory, "forkaway");
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(20, ct);
                if (File.Exists(crash))
                {
                    var how = await File.ReadAllTextAsync(crash, ct);
                    File.Delete(crash);
                    // "raise": libc raise(SIGSEGV). Otherwise a real fault in native code: libc strlen(NULL) reads address 0.
                    if (how == "raise") raise(11);
                    else strlen(IntPtr.Zero);
                }
                if (File.Exists(forkaway))
                {
                    File.Delete(forkaway);
                    using var sleeper = Process.Start("sleep", "300");
                    await File.WriteAllTextAsync(Path.Combine(context.DataDirectory, "forked.pid"), sleeper.Id.ToString(), ct);
                    Environment.Exit(0);
                }
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LibraryImport("libc")]
    private static partial int raise(int signal);

    [LibraryImport("libc")]
    private static partial nint strlen(IntPtr text);
}
