using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;

namespace Appliance.TestPlugins.Probe;

/// <summary>
/// Behaves as its config says: <c>mode</c> = ok | throw | hang | crash | unhealthy | listen | rogue; <c>record</c> = event types to
/// record (one line per delivered event id in <c>received.log</c> in its data directory). Its route
/// <c>GET hello</c> answers with the assembly's informational version, so two builds behave differently.
/// </summary>
public sealed class ProbePlugin : IPlugin
{
    private Socket? _listener;

    public async Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var version = typeof(ProbePlugin).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var plus = version.IndexOf('+');
        if (plus > 0) version = version[..plus];
        context.Routes.Map("GET", "hello", (_, _) => Task.FromResult(PluginHttpResponse.Text($"hello from {context.PluginId} {version}")));
        context.Routes.Map("GET", "echo/{word}", (request, _) => Task.FromResult(PluginHttpResponse.Text(request.RouteValues["word"])));

        var mode = Setting(context, "mode") ?? "ok";
        var record = Setting(context, "record");
        if (!string.IsNullOrEmpty(record))
        {
            var log = Path.Combine(context.DataDirectory, "received.log");
            context.Events.Subscribe("recorder", record.Split(',', StringSplitOptions.RemoveEmptyEntries), (envelope, _) =>
            {
                File.AppendAllText(log, envelope.Id + "\n");
                return Task.CompletedTask;
            });
        }
        switch (mode)
        {
            case "throw":
                throw new InvalidOperationException("probe was told to fail at start");
            case "hang":
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
                break;
            case "crash":
                context.RunBackground("crasher", async ct =>
                {
                    await Task.Delay(300, ct);
                    throw new InvalidDataException("probe background task crashed on purpose");
                });
                break;
            case "unhealthy":
                // Starts fine, then calls itself unhealthy (a version that turns bad within the swap grace period).
                context.RunBackground("sickening", async ct =>
                {
                    await Task.Delay(300, ct);
                    context.Health.Report("probe", HealthState.Unhealthy, "probe was told to turn unhealthy");
                    await Task.Delay(Timeout.Infinite, ct);
                });
                break;
            case "rogue":
                // Bypasses the declared-socket factory, as a careless plugin might: the host's socket audit must catch it.
                var rogue = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, context.Config.GetProperty("port").GetInt32());
                rogue.Start();
                _listener = rogue.Server;
                break;
            case "listen":
                var port = context.Config.TryGetProperty("port", out var p) ? p.GetInt32() : 0;
                _listener = context.Sockets.ListenTcp(port, System.Net.IPAddress.Loopback);
                break;
        }
        if (mode != "unhealthy") context.Health.Report("probe", HealthState.Healthy, $"mode {mode}");
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Dispose();
        _listener = null;
        return Task.CompletedTask;
    }

    private static string? Setting(IPluginContext context, string name) =>
        context.Config.ValueKind == JsonValueKind.Object && context.Config.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
