using Appliance.Abstractions;
using Appliance.Abstractions.Events;

namespace Appliance.Tests.PortalTestPlugin;

/// <summary>
/// Maps GET <c>hello</c> (answers its configured greeting) and reports one healthy component. Stands in for
/// an ingest plugin in page tests: cameras whose stream path is <c>/synthetic-health</c> get fixed stream
/// health figures, and GET <c>degrade</c> turns them to Reconnecting (reported and published as an ingest plugin does).
/// Stands in for a discovery plugin too: each <see cref="DiscoveryRequested"/> is answered with one
/// <see cref="DeviceDiscovered"/> ("Yard camera"). With greeting <c>fail-to-start</c> it throws at start (to show
/// quarantine in the portal).
/// </summary>
public sealed class PortalTestPlugin : IPlugin
{
    public const string SyntheticPath = "/synthetic-health";

    private IDisposable? _watch;

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var greeting = context.Config.TryGetProperty("greeting", out var value) ? value.GetString() ?? "hello" : "hello";
        if (greeting == "fail-to-start") throw new InvalidOperationException("the test plugin was told to fail at start");
        context.Routes.Map("GET", "hello", (_, _) => Task.FromResult(PluginHttpResponse.Text($"{greeting} from {context.PluginId}")));
        context.Health.Report("self", HealthState.Healthy, "ready");
        var cameras = context.Cameras;
        var time = context.Time;
        IReadOnlyList<CameraInfo> synthetic = [];
        _watch = cameras.Watch(list =>
        {
            synthetic = list.Where(c => c.StreamUri is { } uri && uri.EndsWith(SyntheticPath, StringComparison.Ordinal)).ToList();
            foreach (var camera in synthetic)
                cameras.ReportStreamHealth(camera.Id, new StreamHealth(
                    "Streaming", 25, 4096, 2, 10_000, 50, 0.5, 3, "read timeout (synthetic)", time.GetUtcNow(), "H264", "tcp"));
        });
        context.Routes.Map("GET", "degrade", async (_, ct) =>
        {
            foreach (var camera in synthetic)
            {
                var health = new StreamHealth("Reconnecting", 0, 0, 2, 10_000, 50, 0.5, 4, "connection refused (synthetic)", time.GetUtcNow(), "H264", "tcp");
                cameras.ReportStreamHealth(camera.Id, health);
                await context.Events.PublishAsync(new StreamHealthMeasured(camera.Id, health), ct);
            }
            return PluginHttpResponse.Text($"degraded {synthetic.Count}");
        });
        context.Events.Subscribe("discovery-requests", [nameof(DiscoveryRequested)], (_, ct) =>
            context.Events.PublishAsync(new DeviceDiscovered(new DiscoveredDevice(
                "urn:uuid:5f1c7a3e-portal-test", "ws-discovery", ["http://127.0.0.1:18080/onvif/device_service"], ["dn:NetworkVideoTransmitter"],
                "Yard camera", "SimCam 1", "yard", new Dictionary<string, string>(), time.GetUtcNow())), ct));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();
        _watch = null;
        return Task.CompletedTask;
    }
}
