using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Appliance.Benchmarking;
using Appliance.Cloud.Bench;
using Appliance.Cloud.Tests.Support;
using Appliance.Testing;

// Issue 18's four figures on one real TLS mosquitto (client certificates, ACL), each beside mosquitto's own
// clients in the same run:
// 1. command round trip fleet -> appliance -> result, p50/p99, vs mosquitto_rr against a mosquitto_sub | mosquitto_pub
//    echo (target: p99 < 20 ms absolute);
// 2. events per second from the real host's outbox to the broker after an outage, vs mosquitto_pub -l -q 1 of as
//    many lines (target > 5,000/s);
// 3. drain time of the events queued during that outage (100,000 in a full run);
// 4. one fleet command to 500 simulated appliances: p99 per appliance and time until all results are in.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var report = BenchReport.FromArgs(args);
var (roundTrips, rrCalls, queued, simulated) = report.Smoke ? (20, 3, 200, 20) : (2000, 100, 100_000, 500);

var folder = Directory.CreateTempSubdirectory("appl-cloud-bench-").FullName;
using var pki = TestPki.Create(Path.Combine(folder, "pki"));
await using var broker = await MosquittoPeer.StartAsync(pki, Path.Combine(folder, "broker"), SimulatedAppliance.SimAcl);
var (fleetCert, fleetKey) = pki.Client("fleet");
string[] tls = ["-h", "127.0.0.1", "-p", broker.Port.ToString(CultureInfo.InvariantCulture), "--cafile", pki.CaPath, "--cert", fleetCert, "--key", fleetKey];

// 1. Command round trip.
var simTls = SimulatedAppliance.SharedTls(pki);
await using (var one = SimulatedAppliance.Start("sim-rt", simTls, broker.Port))
await using (var fleet = await Fleet.ConnectAsync(pki, broker.Port, "bench-rt"))
{
    await fleet.SubscribeAsync("appliance/+/responses/#");
    await UntilSync(() => one.IsConnected, "the simulated appliance online");
    for (var i = 0; i < Math.Min(roundTrips, 50); i++) await fleet.CommandAsync("sim-rt", $"warm-{i}", "status");
    var ours = new List<double>(roundTrips);
    for (var i = 0; i < roundTrips; i++)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await fleet.CommandAsync("sim-rt", $"rt-{i}", "status");
        ours.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        if (result.GetProperty("status").GetString() != "ok") throw new InvalidOperationException($"command failed: {result}");
    }
    var reference = await MosquittoRrAsync(tls, rrCalls + 1);
    reference.RemoveAt(0);
    foreach (var (label, q) in new[] { ("p50", 0.5), ("p99", 0.99) })
    {
        var mine = Quantile(ours, q);
        report.Add(new BenchFigure($"cloud-command-roundtrip-{label}-vs-mosquitto_rr", mine, "ms", mine / Quantile(reference, q), label == "p99" ? 20 : null));
        Console.WriteLine($"  mosquitto_rr {label}: {Quantile(reference, q):0.###} ms ({reference.Count} calls, a process each); ours {mine:0.###} ms ({ours.Count})");
    }
}

// For information: the link alone, one QoS 1 publish after the other (each waits for its PUBACK), as the outbox
// subscriber uses it; separates the link's cost from the outbox's in figure 2.
{
    var settings = new Appliance.CloudLink.CloudLinkSettings("sim-pub", [new Appliance.CloudLink.BrokerAddress("127.0.0.1", broker.Port)], simTls);
    await using var link = new Appliance.CloudLink.CloudConnection(settings, TimeProvider.System, new Random(3), (_, _) => Task.CompletedTask, _ => { });
    link.Start();
    await UntilSync(() => link.IsConnected, "the publishing link online");
    var payload = new byte[300];
    var clock = Stopwatch.StartNew();
    var count = report.Smoke ? 200 : 20_000;
    for (var i = 0; i < count; i++)
        if (!(await link.PublishAsync("appliance/sim-pub/events", payload, retain: false, CancellationToken.None)).IsOk)
            throw new InvalidOperationException("publish failed");
    var linkRate = count / clock.Elapsed.TotalSeconds;
    report.Add(new BenchFigure("cloud-link-sequential-qos1-publishes-per-second", linkRate, "msg/s", null, null, Better.Higher));
}

// 2 and 3. Events from the real host's outbox after an outage.
await using (var watcher = await Fleet.ConnectAsync(pki, broker.Port, "bench-events", persistent: true))
    await watcher.SubscribeAsync("appliance/dev-1/events");
await using (var host = await CloudHost.StartAsync(pki, broker.Port, ["status"]))
{
    await host.LoginAsync();
    await Until(async () => (await host.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/cloud")).GetProperty("connected").GetBoolean(), "the host online");
    await broker.StopAsync();
    var next = 0;
    await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
    {
        while (Interlocked.Increment(ref next) <= queued)
            while (true)
            {
                using var response = await host.Client.PostAsJsonAsync("/api/v1/events", new { type = Fleet.ProbeType, category = "system", data = new { n = next } });
                if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests) { await Task.Delay(1000); continue; }
                response.EnsureSuccessStatusCode();
                break;
            }
    }));
    await broker.StartAsync();
    var clock = Stopwatch.StartNew();
    await using var watcher = await Fleet.ConnectAsync(pki, broker.Port, "bench-events", persistent: true);
    await UntilSync(() => watcher.Events >= queued, $"{queued} events at the fleet", TimeSpan.FromMinutes(10), () => $"{watcher.Events} arrived");
    var drain = clock.Elapsed.TotalSeconds;
    if (watcher.OutOfOrder > 0) throw new InvalidOperationException($"{watcher.OutOfOrder} of {queued} events arrived out of order or repeated");
    // The rate once the link is back (first to last event), the drain time including the reconnect.
    var rate = (queued - 1) / watcher.EventSpanSeconds;
    var referenceRate = queued / await MosquittoPubLinesAsync(tls, queued);
    report.Add(new BenchFigure("cloud-events-per-second-vs-mosquitto_pub", rate, "events/s", rate / referenceRate, 5000, Better.Higher));
    report.Add(new BenchFigure($"cloud-drain-{queued}-queued-events", drain, "s", null, null));
    Console.WriteLine($"  mosquitto_pub -l -q 1: {referenceRate:0} messages/s; host outbox after the outage: {rate:0} events/s");
}

// 4. One fleet command to many simulated appliances.
var sims = Enumerable.Range(0, simulated).Select(i => SimulatedAppliance.Start($"sim-{i:000}", simTls, broker.Port)).ToList();
try
{
    await UntilSync(() => sims.All(s => s.IsConnected), $"{simulated} simulated appliances online", TimeSpan.FromMinutes(2));
    await using var fleet = await Fleet.ConnectAsync(pki, broker.Port, "bench-fleet");
    await fleet.SubscribeAsync("appliance/+/responses/#");
    var clock = Stopwatch.StartNew();
    var latencies = await Task.WhenAll(sims.Select(async (s, i) =>
    {
        await fleet.CommandAsync(s.DeviceId, $"all-{i}", "status");
        return clock.Elapsed.TotalMilliseconds;
    }));
    var all = clock.Elapsed.TotalMilliseconds;
    var p99 = Quantile([.. latencies], 0.99);
    report.Add(new BenchFigure($"cloud-fleet-command-{simulated}-appliances-p99", p99, "ms", null, null));
    Console.WriteLine($"  all {simulated} results in after {all:0} ms");
}
finally
{
    await Task.WhenAll(sims.Select(s => s.DisposeAsync().AsTask()));
}
Directory.Delete(folder, recursive: true);
return report.ExitCode();

static async Task Until(Func<Task<bool>> condition, string what, TimeSpan? limit = null, Func<string>? detail = null)
{
    var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
    while (!await condition())
    {
        if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not within {limit ?? TimeSpan.FromSeconds(60)} {detail?.Invoke()}");
        await Task.Delay(20);
    }
}

static Task UntilSync(Func<bool> condition, string what, TimeSpan? limit = null, Func<string>? detail = null) =>
    Until(() => Task.FromResult(condition()), what, limit, detail);

static async Task<List<double>> MosquittoRrAsync(string[] tls, int calls)
{
    var args = string.Join(' ', tls.Select(a => $"'{a}'"));
    // A mosquitto_sub | mosquitto_pub -l echo answers bench/req on bench/resp (and ends after the last call);
    // mosquitto_rr asks and waits, a process per call as a shell script would use it, timed by bash.
    var script = $$"""
        mosquitto_sub {{args}} -i bench-echo-sub -C {{calls}} -t bench/req | mosquitto_pub {{args}} -i bench-echo-pub -l -t bench/resp > /dev/null 2>&1 &
        sleep 1
        for ((i = 0; i < {{calls}}; i++)); do
          s=$EPOCHREALTIME
          mosquitto_rr {{args}} -V 5 -t bench/req -e bench/resp -m ping -W 5 > /dev/null || exit 1
          e=$EPOCHREALTIME
          echo "${s/./} ${e/./}"
        done
        wait
        """;
    var output = await Bash(script);
    return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split(' ').Select(long.Parse).ToArray())
        .Select(t => (t[1] - t[0]) / 1000.0)
        .ToList();
}

static async Task<double> MosquittoPubLinesAsync(string[] tls, int lines)
{
    var args = string.Join(' ', tls.Select(a => $"'{a}'"));
    var output = await Bash($$"""
        s=$EPOCHREALTIME
        seq {{lines}} | mosquitto_pub {{args}} -i bench-lines -q 1 -l -t bench/lines || exit 1
        e=$EPOCHREALTIME
        echo "${s/./} ${e/./}"
        """);
    var t = output.Trim().Split(' ').Select(long.Parse).ToArray();
    return (t[1] - t[0]) / 1e6;
}

static async Task<string> Bash(string script)
{
    var info = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    using var process = Process.Start(info)!;
    var output = await process.StandardOutput.ReadToEndAsync();
    var error = await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0) throw new InvalidOperationException($"mosquitto client failed ({process.ExitCode}): {error}");
    return output;
}

static double Quantile(List<double> values, double q)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
