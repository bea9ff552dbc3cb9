using Appliance.Abstractions;

namespace Appliance.Tests.PortalTestPlugin;

/// <summary>
/// Maps GET <c>hello</c> (answers its configured greeting) and reports one healthy component. Stands in for
/// an ingest plugin in page tests: cameras whose stream path is <c>/synthetic-health</c> get fixed stream
/// health figures. With greeting <c>fail-to-start</c> it throws at start (to show quarantine in the portal).
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
        _watch = cameras.Watch(list =>
        {
            foreach (var camera in list.Where(c => c.StreamUri is { } uri && uri.EndsWith(SyntheticPath, StringComparison.Ordinal)))
                cameras.ReportStreamHealth(camera.Id, new StreamHealth(
                    "Streaming", 25, 4096, 2, 10_000, 50, 0.5, 3, "read timeout (synthetic)", time.GetUtcNow(), "H264", "tcp"));
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();
        _watch = null;
        return Task.CompletedTask;
    }
}
