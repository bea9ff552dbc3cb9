using System.Diagnostics;
using System.Globalization;
using Appliance.Benchmarking;
using Appliance.SystemBus;
using Appliance.Testing.DBus;

// Issue 16: D-Bus method round trip, p50 and p99, of our client against `busctl call` of the same method
// (org.freedesktop.DBus.Properties.GetAll on timedate1) on the same private bus, as ratios (target <= 1.0).
// busctl's figure is a whole call as a shell-out makes it: process start, connect and authenticate, call, exit.
// Ours is one call on the connection the host keeps open, with the reply's types checked.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var report = BenchReport.FromArgs(args);
var (ourCalls, busctlCalls) = report.Smoke ? (20, 3) : (2000, 200);

await using var bus = await PrivateBus.StartAsync();
await ApplianceMocks.StartTimedatedAsync(bus);
await using var connection = new BusConnection(new SystemBusOptions { Address = bus.Address });
var client = new TimedateClient(connection);

for (var i = 0; i < Math.Min(ourCalls, 100); i++) Check(await client.GetStateAsync(CancellationToken.None)); // warm-up
var ours = new List<double>(ourCalls);
for (var i = 0; i < ourCalls; i++)
{
    var start = Stopwatch.GetTimestamp();
    var state = await client.GetStateAsync(CancellationToken.None);
    ours.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    Check(state);
}

// busctl is timed by bash itself ($EPOCHREALTIME around each call, no extra process), so the reference is
// busctl's own cost and not that of starting a process from .NET.
var reference = await TimeBusctlAsync(bus.Address, busctlCalls + 1);
reference.RemoveAt(0); // the first run warms the page cache

foreach (var (label, quantile) in new[] { ("p50", 0.50), ("p99", 0.99) })
{
    var mine = Quantile(ours, quantile);
    var theirs = Quantile(reference, quantile);
    report.Add(new BenchFigure($"dbus-getall-roundtrip-{label}-vs-busctl", mine, "ms", mine / theirs, 1.0, Better.Lower, TargetIsRatio: true));
    Console.WriteLine($"  busctl call {label}: {theirs:0.###} ms ({reference.Count} calls); ours {mine:0.###} ms ({ours.Count} calls)");
}
// For information: our client when it also connects for each call (what busctl's figure includes), no target.
var fresh = new List<double>(busctlCalls);
for (var i = 0; i < busctlCalls; i++)
{
    var start = Stopwatch.GetTimestamp();
    await using (var once = new BusConnection(new SystemBusOptions { Address = bus.Address }))
        Check(await new TimedateClient(once).GetStateAsync(CancellationToken.None));
    fresh.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
}
var freshP50 = Quantile(fresh, 0.5);
report.Add(new BenchFigure("dbus-getall-connect-and-call-p50-vs-busctl", freshP50, "ms", freshP50 / Quantile(reference, 0.5), null));
return report.ExitCode();

static async Task<List<double>> TimeBusctlAsync(string address, int calls)
{
    const string script = """
        for ((i = 0; i < $1; i++)); do
          s=$EPOCHREALTIME
          busctl --address="$2" call org.freedesktop.timedate1 /org/freedesktop/timedate1 org.freedesktop.DBus.Properties GetAll s org.freedesktop.timedate1 > /dev/null || exit 1
          e=$EPOCHREALTIME
          echo "${s/./} ${e/./}"
        done
        """;
    var info = new ProcessStartInfo("bash", ["-c", script, "bench", calls.ToString(CultureInfo.InvariantCulture), address])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
    var output = await process.StandardOutput.ReadToEndAsync();
    var error = await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0) throw new InvalidOperationException($"busctl failed: {error}");
    return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split(' ').Select(long.Parse).ToArray())
        .Select(t => (t[1] - t[0]) / 1000.0)
        .ToList();
}

static void Check(Appliance.Abstractions.Result<TimeState> state)
{
    if (!state.IsOk) throw new InvalidOperationException("our client failed: " + state.Failure);
}

static double Quantile(List<double> values, double q)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
