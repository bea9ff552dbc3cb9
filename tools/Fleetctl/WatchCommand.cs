using System.CommandLine;
using System.Text;

namespace Appliance.Tools.Fleetctl;

/// <summary>
/// <c>fleetctl watch</c>: prints every appliance event (and optionally telemetry and state) as it arrives. Workers
/// started with the same <c>--group</c> share one MQTT 5 shared subscription, so the broker splits the load.
/// </summary>
public static class WatchCommand
{
    public static Command Create(FleetGlobals globals, TextWriter stdout, TextWriter stderr)
    {
        var group = new Option<string?>("--group") { Description = "Share the subscription with other workers of this group" };
        var what = new Option<string[]>("--what") { Description = "events, telemetry, state (default events)", AllowMultipleArgumentsPerToken = true };
        var count = new Option<int?>("--count") { Description = "Stop after this many messages" };
        var seconds = new Option<double?>("--for") { Description = "Stop after this many seconds" };
        var command = new Command("watch", "Print appliance events as they arrive") { group, what, count, seconds };
        command.SetAction((parse, ct) => globals.WithSessionAsync(parse, stderr, ct, async session =>
        {
            var kinds = parse.GetValue(what) is { Length: > 0 } chosen ? chosen : ["events"];
            foreach (var kind in kinds)
                if (kind is not ("events" or "telemetry" or "state"))
                {
                    await stderr.WriteLineAsync($"fleetctl: --what {kind}: not one of events, telemetry, state");
                    return FleetctlApp.Usage;
                }
            var name = parse.GetValue(group);
            if (name is not null && !Appliance.CloudLink.Topics.IsTopicLevel(name))
            {
                await stderr.WriteLineAsync($"fleetctl: --group '{name}' cannot be a topic level");
                return FleetctlApp.Usage;
            }
            var limit = parse.GetValue(count);
            var seen = 0;
            var done = new TaskCompletionSource();
            var gate = new object();
            using var _ = session.OnMessage(m =>
            {
                var parts = m.Topic.Split('/');
                if (parts.Length != 3 || !kinds.Contains(parts[2])) return;
                lock (gate)
                {
                    if (limit is { } max && seen >= max) return;
                    stdout.WriteLine(parse.GetValue(globals.Json)
                        ? $"{{\"device\":\"{parts[1]}\",\"kind\":\"{parts[2]}\",\"message\":{Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(m.Payload))}}}"
                        : $"{parts[1]} {parts[2]} {Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(m.Payload))}");
                    stdout.Flush();
                    seen++;
                    if (limit is { } reached && seen >= reached) done.TrySetResult();
                }
            });
            foreach (var kind in kinds)
            {
                var filter = $"{session.Prefix}/+/{kind}";
                await session.SubscribeAsync(name is null ? filter : $"$share/{name}/{filter}", ct);
            }
            var stopAfter = parse.GetValue(seconds) is { } s ? TimeSpan.FromSeconds(s) : Timeout.InfiniteTimeSpan;
            try
            {
                await done.Task.WaitAsync(stopAfter, ct);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
            }
            return FleetctlApp.Ok;
        }));
        return command;
    }
}
