using System.Collections.Concurrent;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Host.Events;

namespace Appliance.Host.Cameras;

/// <summary>Devices that discovery plugins reported (DeviceDiscovered events), newest first, keyed by endpoint reference.</summary>
public sealed class DiscoveredDevices
{
    private readonly ConcurrentDictionary<string, DiscoveredDevice> _devices = new(StringComparer.OrdinalIgnoreCase);

    public void Add(DiscoveredDevice device) => _devices[device.EndpointReference] = device;

    public IReadOnlyList<DiscoveredDevice> List() => _devices.Values.OrderByDescending(d => d.SeenAt).ToList();
}

/// <summary>The host's own durable subscriber that keeps <see cref="DiscoveredDevices"/> filled.</summary>
public sealed class DiscoveryListener(OutboxEventBus bus, DiscoveredDevices devices) : IHostedService
{
    private IAsyncDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = bus.Subscribe("appliance.host/discovered-devices", [nameof(DeviceDiscovered)], (envelope, _) =>
        {
            if (envelope.TryGet<DeviceDiscovered>(out var discovered) && discovered is not null)
                devices.Add(discovered.Device);
            return Task.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscription is not null) await _subscription.DisposeAsync();
    }
}

/// <summary>Dev: adds the demo test-pattern camera on first start, so a fresh appliance shows a stream.</summary>
public sealed class DemoCameraSeeder(
    Microsoft.Extensions.Options.IOptions<Configuration.ApplianceOptions> options,
    CameraStore cameras,
    ILogger<DemoCameraSeeder> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var demo = options.Value.Demo;
        if (!demo.TestPatternCamera || string.IsNullOrEmpty(demo.StreamUri)) return Task.CompletedTask;
        if (cameras.List().Any(c => c.StreamUri == demo.StreamUri)) return Task.CompletedTask;
        var result = cameras.Add(new CameraInput("Demo test pattern", demo.StreamUri, null, null, null, true, null, "demo"));
        if (result.IsOk) log.LogInformation("Added the demo camera {Uri}", demo.StreamUri);
        else log.LogWarning("Could not add the demo camera: {Errors}", string.Join("; ", result.Failure!.Errors));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
