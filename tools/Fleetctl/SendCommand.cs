using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Appliance.Tools.Fleetctl;

/// <summary>
/// <c>fleetctl send &lt;command&gt; --to &lt;selector&gt;</c>: one command to many appliances through the broker, each with
/// its own request id, an expiry, and a response topic under the device's own namespace; results are gathered with
/// a progress line until all are in or the timeout passes. <c>fleetctl status &lt;device&gt;</c> is <c>send status</c>.
/// </summary>
public static class SendCommand
{
    public static Command Create(FleetGlobals globals, TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("command") { Description = "e.g. status, plugin.restart" };
        var to = new Option<string>("--to") { Description = "Device ids and patterns, comma-separated (dev-1,site-*; all)", Required = true };
        var args = new Option<string?>("--args") { Description = "The command's arguments as a JSON object" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for results (also the commands' expiry)", DefaultValueFactory = _ => 30 };
        var offline = new Option<bool>("--include-offline") { Description = "Also send to devices whose state is offline" };
        var command = new Command("send", "Send a command to appliances and collect their results") { name, to, args, timeout, offline };
        command.SetAction((parse, ct) => globals.WithSessionAsync(parse, stderr, ct, session =>
            RunAsync(session, parse.GetValue(name)!, parse.GetValue(to), parse.GetValue(args), parse.GetValue(timeout), parse.GetValue(offline), parse.GetValue(globals.Json), stdout, stderr, ct)));
        return command;
    }

    public static Command CreateStatus(FleetGlobals globals, TextWriter stdout, TextWriter stderr)
    {
        var device = new Argument<string>("device") { Description = "The appliance's device id" };
        var command = new Command("status", "Ask one appliance for its status") { device };
        command.SetAction((parse, ct) => globals.WithSessionAsync(parse, stderr, ct, session =>
            RunAsync(session, "status", parse.GetValue(device), null, 15, includeOffline: true, parse.GetValue(globals.Json), stdout, stderr, ct)));
        return command;
    }

    private static async Task<int> RunAsync(FleetSession session, string command, string? to, string? argsText, double timeoutSeconds,
        bool includeOffline, bool json, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var selector = DeviceSelector.Parse(to);
        if (!selector.TryGetValue(out var chosen, out var bad))
        {
            await stderr.WriteLineAsync($"fleetctl: {bad.Message}");
            return FleetctlApp.Usage;
        }
        JsonElement? commandArgs = null;
        if (argsText is not null)
        {
            try
            {
                commandArgs = JsonDocument.Parse(argsText).RootElement.Clone();
            }
            catch (JsonException ex)
            {
                await stderr.WriteLineAsync($"fleetctl: --args is not JSON: {ex.Message}");
                return FleetctlApp.Usage;
            }
            if (commandArgs.Value.ValueKind != JsonValueKind.Object)
            {
                await stderr.WriteLineAsync("fleetctl: --args must be a JSON object");
                return FleetctlApp.Usage;
            }
        }
        var states = await session.ReadStatesAsync(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), ct);
        var targets = states.Where(s => chosen.Matches(s.Key) && (s.Value || includeOffline)).Select(s => s.Key)
            .Concat(chosen.PlainIds).Distinct(StringComparer.Ordinal).OrderBy(d => d, StringComparer.Ordinal).ToList();
        if (targets.Count == 0)
        {
            await stderr.WriteLineAsync($"fleetctl: no {(includeOffline ? "" : "online ")}appliance matches '{to}'");
            return FleetctlApp.Failed;
        }

        var worker = "fleetctl-" + Guid.NewGuid().ToString("N")[..8];
        var results = new ConcurrentDictionary<string, JsonElement>(StringComparer.Ordinal);
        var requestIds = targets.Select((d, i) => (Device: d, RequestId: $"{worker}-{i}")).ToDictionary(x => x.RequestId, x => x.Device, StringComparer.Ordinal);
        using var _ = session.OnMessage(m =>
        {
            if (!m.Topic.EndsWith("/responses/" + worker, StringComparison.Ordinal)) return;
            try
            {
                var result = JsonDocument.Parse(m.Payload).RootElement.Clone();
                if (result.TryGetProperty("requestId", out var id) && id.GetString() is { } rid && requestIds.TryGetValue(rid, out var device))
                    results.TryAdd(device, result);
            }
            catch (JsonException)
            {
                // not a result; ignored
            }
        });
        await session.SubscribeAsync($"{session.Prefix}/+/responses/{worker}", ct);

        var clock = Stopwatch.StartNew();
        var expires = DateTimeOffset.UtcNow.AddSeconds(timeoutSeconds);
        foreach (var (requestId, device) in requestIds)
        {
            var envelope = JsonSerializer.SerializeToUtf8Bytes(new { requestId, command, deviceId = device, expiresAt = expires, args = commandArgs });
            await session.PublishAsync($"{session.Prefix}/{device}/commands", envelope, $"{session.Prefix}/{device}/responses/{worker}", Encoding.UTF8.GetBytes(requestId), ct);
        }
        var progress = new ProgressLine(stderr);
        while (results.Count < targets.Count && DateTimeOffset.UtcNow < expires && !ct.IsCancellationRequested)
        {
            progress.Show(results.Values, targets.Count, clock.Elapsed);
            await Task.Delay(50, CancellationToken.None);
        }
        progress.Done(results.Values, targets.Count, clock.Elapsed);

        var failures = 0;
        foreach (var device in targets)
        {
            if (!results.TryGetValue(device, out var result))
            {
                failures++;
                await stdout.WriteLineAsync(json ? JsonSerializer.Serialize(new { device, status = "no-answer" }) : $"{device} no answer within {timeoutSeconds:0.#} s");
                continue;
            }
            var status = result.GetProperty("status").GetString();
            if (status != "ok") failures++;
            if (json) await stdout.WriteLineAsync($"{{\"device\":{JsonSerializer.Serialize(device)},\"result\":{result.GetRawText()}}}");
            else if (status == "ok") await stdout.WriteLineAsync($"{device} ok {(result.TryGetProperty("data", out var data) ? data.GetRawText() : "")}");
            else await stdout.WriteLineAsync($"{device} error {result.GetProperty("code").GetString()}: {result.GetProperty("message").GetString()}");
        }
        return failures == 0 ? FleetctlApp.Ok : FleetctlApp.Failed;
    }
}
