using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Benchmarking;
using Appliance.Plugins.Dmp.Tests;
using Appliance.Testing;

// Issue 21: panel message to bus event p99 < 5 ms. One panel, alarms one after the other over one connection; each
// latency is from the frame's write to its acknowledgement (sent after the event is stored durably in the outbox).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var report = BenchReport.FromArgs(args);
var count = report.Smoke ? 50 : 2000;

var port = FreePort.Tcp();
var config = new JsonObject
{
    ["appliance.dmp"] = new JsonObject
    {
        ["port"] = port,
        ["bindAddress"] = "127.0.0.1",
        ["panels"] = new JsonArray(new JsonObject { ["account"] = "12345", ["zoneCameras"] = new JsonObject { ["5"] = "lobby" } }),
    },
};
await using var host = await HostProcess.StartAsync(Directory.CreateTempSubdirectory("appl-dmp-bench-").FullName,
    BundledPlugins.Stage("plugins/Dmp/src/Dmp.Plugin"), pluginConfig: config);
await host.LoginAsync();
await Eventually.UntilAsync(async () =>
{
    var plugins = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins");
    return plugins.EnumerateArray().Any(p => p.GetProperty("id").GetString() == "appliance.dmp"
        && p.TryGetProperty("health", out var h) && h.EnumerateArray().Any(r => r.GetProperty("component").GetString() == "receiver"));
}, "the DMP receiver listening", TimeSpan.FromSeconds(60), () => host.Log);

await using var panel = await PanelSimulator.ConnectAsync(port);
var ack = SerialThreeFrames.Ack();
var latencies = new List<double>(count);
for (var i = 0; i < count + 20; i++)
{
    var frame = SerialThreeFrames.Wire(SerialThreeFrames.Alarm(zone: 1 + (i % 999)));
    var started = Stopwatch.GetTimestamp();
    await panel.SendAsync(frame);
    var answer = await panel.ReadAsync(ack.Length, TimeSpan.FromSeconds(30));
    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    if (!answer.AsSpan().SequenceEqual(ack)) throw new InvalidOperationException($"alarm {i}: no acknowledgement ({answer.Length} byte(s))");
    if (i >= 20) latencies.Add(elapsed); // the first 20 warm the host up
}
latencies.Sort();
double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
report.Add(new BenchFigure("dmp-alarm-to-stored-event-p50", P(0.50), "ms", null, null));
report.Add(new BenchFigure("dmp-alarm-to-stored-event-p99", P(0.99), "ms", null, 5));
return report.ExitCode();
