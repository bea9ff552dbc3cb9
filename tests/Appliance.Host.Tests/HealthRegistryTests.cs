using Appliance.Abstractions;
using Appliance.Host.Health;
using Microsoft.Extensions.Logging;

namespace Appliance.Host.Tests;

/// <summary>The health registry says in the log which component changed its state and why (the journal of a device).</summary>
public sealed class HealthRegistryTests
{
    [Fact]
    public void A_component_turning_unhealthy_is_a_warning_with_its_message_once_and_its_recovery_is_information()
    {
        var log = new RecordingLogger<HealthRegistry>();
        var health = new HealthRegistry(TimeProvider.System, log);

        health.Report("appliance.media", "gpio", HealthState.Healthy, "ok");
        health.Report("appliance.media", "gpio", HealthState.Unhealthy, "libgpiod driver on gpiochip0: no such chip");
        health.Report("appliance.media", "gpio", HealthState.Unhealthy, "libgpiod driver on gpiochip0: no such chip");
        health.Report("host", "watchdog", HealthState.Degraded, "slow");
        health.Report("appliance.media", "gpio", HealthState.Healthy, "ok");
        health.Clear("host", "watchdog");
        health.Clear("host", "never-reported");

        Assert.Equal(
        [
            (LogLevel.Warning, "Health: appliance.media/gpio unhealthy: libgpiod driver on gpiochip0: no such chip"),
            (LogLevel.Warning, "Health: host/watchdog degraded: slow"),
            (LogLevel.Information, "Health: appliance.media/gpio healthy again"),
            (LogLevel.Information, "Health: host/watchdog healthy again (cleared)"),
        ], log.Entries);
        Assert.Equal(HealthState.Healthy, health.Overall());
    }
}
