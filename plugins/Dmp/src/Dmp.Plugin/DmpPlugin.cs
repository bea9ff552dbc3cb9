using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Plugins.Dmp.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Dmp;

/// <summary>
/// A DMP central-station receiver on the appliance: listens on the declared TCP port (2001), takes the configured
/// panels' Serial 3 messages (see <see cref="PanelConnection"/>), publishes them as the event types of
/// <see cref="PanelEventTypes"/>, lists panels at <c>GET panels</c> and on the portal page <c>page</c>.
/// </summary>
public sealed class DmpPlugin : IPlugin
{
    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var read = DmpSettings.Read(context.Config);
        if (!read.TryGetValue(out var settings, out var failure)) throw new InvalidOperationException($"DMP configuration: {failure.Message}");
        var registered = PanelEventTypes.Register(context.NamedEvents);
        if (!registered.IsOk) throw new InvalidOperationException(registered.Failure!.Message);

        var panels = new PanelRegistry(settings.Panels);
        var receiver = new DmpReceiver(context, panels);
        var listener = context.Sockets.ListenTcp(settings.Port, settings.BindAddress);
        context.RunBackground("listener", ct => AcceptLoopAsync(listener, settings, receiver, context.Time, ct));
        context.RunBackground("link-watch", async ct =>
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(settings.LinkCheck, context.Time, ct);
                await receiver.SweepAsync(ct);
            }
        });
        context.Http.Map("GET", "panels", (_, _) => Task.FromResult(PluginStreamResponse.Json(JsonSerializer.Serialize(panels.Snapshot(), PanelsPage.Json))));
        context.Http.Map("GET", "page", (_, _) => Task.FromResult(PluginStreamResponse.Html(PanelsPage.Render(panels.Snapshot()))));
        context.Health.Report(DmpReceiver.ReceiverComponent, HealthState.Healthy,
            $"listening on TCP {settings.Port} for {settings.Panels.Count} panel(s)");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static Task AcceptLoopAsync(Socket listener, DmpSettings settings, DmpReceiver receiver, TimeProvider time, CancellationToken ct) =>
        BoundedAcceptLoop.RunAsync(listener, settings.MaxConnections,
            socket => receiver.Refused(socket.RemoteEndPoint?.ToString() ?? "?", "too-many", $"more than {settings.MaxConnections} panel connections at once: closed at accept"),
            (socket, stop) =>
            {
                socket.NoDelay = true;
                return new PanelConnection(socket, settings, receiver, time).RunAsync(stop);
            },
            ct);
}
