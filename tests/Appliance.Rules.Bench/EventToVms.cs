using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Appliance.Benchmarking;
using Appliance.Plugins.Milestone.Protocol;
using Appliance.Testing;

namespace Appliance.Rules.Bench;

/// <summary>
/// Event to VMS on loopback (target p99 &lt; 10 ms): a motion event posted to the real host's API, through the outbox,
/// the rule runner and the Milestone plugin's durable subscription, to a listener that reads the analytics XML and
/// closes (what XProtect's event server does per connection). Beside it, the reference: the same XML sent by the
/// bare Milestone client to the same listener; the ratio is what the host adds. One event at a time.
/// </summary>
internal static class EventToVms
{
    public static async Task RunAsync(BenchReport report)
    {
        var count = report.Smoke ? 20 : 1000;
        await using var vms = new TimedEventServer();

        var client = new EventServerClient();
        var bare = new List<double>();
        for (var i = 0; i < count + 20; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var sent = await client.SendAnalyticsAsync("127.0.0.1", vms.Port,
                new AnalyticsEvent(Guid.NewGuid(), DateTimeOffset.UtcNow, "MotionDetected", "Motion", "lobby"), TimeSpan.FromSeconds(10), default);
            if (!sent.IsOk) throw new InvalidOperationException(sent.Failure!.ToString());
            var arrived = await vms.NextAsync();
            if (i >= 20) bare.Add(Stopwatch.GetElapsedTime(start, arrived).TotalMilliseconds);
        }

        var config = new JsonObject
        {
            ["appliance.milestone"] = new JsonObject
            {
                ["servers"] = new JsonArray(new JsonObject { ["name"] = "xprotect", ["host"] = "127.0.0.1", ["port"] = vms.Port }),
            },
        };
        await using var host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.Milestone), pluginConfig: config);
        await host.LoginAsync();
        using (var rule = await host.Client.PostAsync("/api/v1/rules", new StringContent("""
            { "id": "bench", "name": "Bench", "trigger": { "events": ["MotionDetected"] },
              "actions": [ { "type": "vms", "target": "xprotect", "message": "Motion" } ] }
            """, Encoding.UTF8, "application/json")))
            rule.EnsureSuccessStatusCode();
        var viaHost = new List<double>();
        var postOnly = new List<double>();
        for (var i = 0; i < count + 20; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using (var posted = await host.Client.PostAsJsonAsync("/api/v1/events",
                new { type = "MotionDetected", category = "analytics", data = new { cameraId = "lobby", source = "door", active = true } }))
                posted.EnsureSuccessStatusCode();
            var answered = Stopwatch.GetTimestamp();
            var arrived = await vms.NextAsync();
            if (i >= 20) postOnly.Add(Stopwatch.GetElapsedTime(start, answered).TotalMilliseconds);
            if (i >= 20) viaHost.Add(Stopwatch.GetElapsedTime(start, arrived).TotalMilliseconds);
        }

        double bareP50 = Percentile(bare, 0.50), bareP99 = Percentile(bare, 0.99);
        double hostP50 = Percentile(viaHost, 0.50), hostP99 = Percentile(viaHost, 0.99);
        report.Add(new BenchFigure("event-to-vms-via-host-p50", hostP50, "ms", hostP50 / bareP50, null));
        report.Add(new BenchFigure("event-to-vms-via-host-p99", hostP99, "ms", hostP99 / bareP99, 10));
        report.Add(new BenchFigure("event-to-vms-bare-client-p99", bareP99, "ms", null, null));
        report.Add(new BenchFigure("event-post-answered-p50", Percentile(postOnly, 0.5), "ms", null, null));
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
    }

    /// <summary>A loopback listener that reads each connection to its end, closes it, and hands out the arrival time.</summary>
    private sealed class TimedEventServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Channel<long> _arrivals = Channel.CreateUnbounded<long>();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public TimedEventServer()
        {
            _listener.Start();
            _loop = Task.Run(AcceptAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public async Task<long> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            return await _arrivals.Reader.ReadAsync(timeout.Token);
        }

        private async Task AcceptAsync()
        {
            var buffer = new byte[16384];
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    while (await stream.ReadAsync(buffer, _stop.Token) > 0) { }
                    _arrivals.Writer.TryWrite(Stopwatch.GetTimestamp());
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }
}
