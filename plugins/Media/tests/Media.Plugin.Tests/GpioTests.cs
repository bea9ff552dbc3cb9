using System.Device.Gpio;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Media.Plugin.Gpio;
using Appliance.Testing;
using Appliance.Testing.Plugins;
using Xunit;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>GPIO through the plugin with the simulated driver, chosen by configuration.</summary>
public sealed class GpioTests
{
    private const string Config = """
        {"motion":{"enabled":false},"gpio":{"driver":"simulated","device":"io-board",
          "inputs":[{"name":"door","line":4,"activeLow":true,"debounceMs":100},{"name":"pir","line":5,"debounceMs":0}],
          "outputs":[{"name":"siren","line":17},{"name":"lock","line":18,"activeLow":true}]}}
        """;

    private static async Task<(MediaPlugin, PluginContextDouble, SimulatedGpioDriver)> StartAsync(string config = Config)
    {
        var context = MediaContext.Create(config);
        var plugin = new MediaPlugin();
        await plugin.StartAsync(context, CancellationToken.None);
        return (plugin, context, Assert.IsType<SimulatedGpioDriver>(plugin.GpioDriver));
    }

    [Fact]
    public async Task A_debounced_active_low_input_becomes_DigitalInputChanged_and_bounces_do_not()
    {
        var (plugin, context, driver) = await StartAsync();
        Assert.Equal(HealthState.Degraded, context.HealthReports.Components["gpio"].State); // the simulator is never silent
        Assert.Contains("SIMULATED", context.HealthReports.Components["gpio"].Message);
        driver.SetInput(4, PinValue.High); // idle level of an active-low input: the line started low (active)
        Assert.True(await Eventually.HoldsWithinAsync(() => context.Outbox.Of<DigitalInputChanged>().Any(e => e.Input == "door" && !e.Active), TimeSpan.FromSeconds(30)));
        var baseline = context.Outbox.Of<DigitalInputChanged>().Count;

        // A 20 ms bounce: no event.
        driver.SetInput(4, PinValue.Low);
        await Task.Delay(20);
        driver.SetInput(4, PinValue.High);
        await Task.Delay(400);
        Assert.Equal(baseline, context.Outbox.Of<DigitalInputChanged>().Count);

        // Held low: the door input is active.
        driver.SetInput(4, PinValue.Low);
        Assert.True(await Eventually.HoldsWithinAsync(() => context.Outbox.Of<DigitalInputChanged>().Any(e => e.Input == "door" && e.Active), TimeSpan.FromSeconds(30)));
        var change = context.Outbox.Of<DigitalInputChanged>().Last(e => e.Input == "door");
        Assert.Equal("io-board", change.Device);
        driver.SetInput(4, PinValue.High);
        Assert.True(await Eventually.HoldsWithinAsync(() => context.Outbox.Of<DigitalInputChanged>().Any(e => e.Input == "door" && !e.Active), TimeSpan.FromSeconds(30)));
        await plugin.StopAsync(CancellationToken.None);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Outputs_are_driven_and_pulsed_by_the_api()
    {
        var (plugin, context, driver) = await StartAsync();
        Assert.Equal(PinValue.Low, driver.Level(17));
        Assert.Equal(PinValue.High, driver.Level(18)); // active-low output starts inactive (high)

        var pulse = await context.HttpRoutes.CallAsync("POST", "gpio/outputs/{name}", new Dictionary<string, string> { ["name"] = "siren" }, "{\"pulseMs\":300}");
        Assert.Equal(200, pulse.Status);
        Assert.Equal(PinValue.High, driver.Level(17));
        Assert.True(await Eventually.HoldsWithinAsync(() => driver.Level(17) == PinValue.Low, TimeSpan.FromSeconds(30)));
        var writes = driver.Writes.Where(w => w.Line == 17).ToList();
        var on = writes.Last(w => w.Value == PinValue.High).At;
        var off = writes.Last(w => w.Value == PinValue.Low).At;
        Assert.True(off - on >= TimeSpan.FromMilliseconds(290), $"pulse lasted {(off - on).TotalMilliseconds} ms");

        var unlock = await context.HttpRoutes.CallAsync("POST", "gpio/outputs/{name}", new Dictionary<string, string> { ["name"] = "lock" }, "{\"active\":true}");
        Assert.Equal(200, unlock.Status);
        Assert.Equal(PinValue.Low, driver.Level(18));

        Assert.Equal(404, (await context.HttpRoutes.CallAsync("POST", "gpio/outputs/{name}", new Dictionary<string, string> { ["name"] = "nope" }, "{}")).Status);
        Assert.Equal(400, (await context.HttpRoutes.CallAsync("POST", "gpio/outputs/{name}", new Dictionary<string, string> { ["name"] = "siren" }, "{not json")).Status);
        Assert.Equal(400, (await context.HttpRoutes.CallAsync("POST", "gpio/outputs/{name}", new Dictionary<string, string> { ["name"] = "siren" }, "{\"pulseMs\":-5}")).Status);
        var states = System.Text.Encoding.UTF8.GetString((await context.HttpRoutes.CallAsync("GET", "gpio", new Dictionary<string, string>())).Body);
        Assert.Contains("\"lock\":true", states);
        await plugin.StopAsync(CancellationToken.None);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task A_libgpiod_driver_that_cannot_open_is_reported_not_replaced_by_the_simulator()
    {
        var context = MediaContext.Create("{\"motion\":{\"enabled\":false},\"gpio\":{\"driver\":\"libgpiod\",\"chip\":9,\"inputs\":[{\"name\":\"door\",\"line\":4}]}}");
        var plugin = new MediaPlugin();
        await plugin.StartAsync(context, CancellationToken.None);
        Assert.Null(plugin.GpioDriver);
        Assert.Equal(HealthState.Unhealthy, context.HealthReports.Components["gpio"].State);
        Assert.Contains("gpiochip9", context.HealthReports.Components["gpio"].Message);
        await plugin.StopAsync(CancellationToken.None);
        await context.DisposeAsync();
    }

    [Theory]
    [InlineData("{\"driver\":\"magic\"}", "gpio.driver")]
    [InlineData("{\"driver\":\"simulated\",\"inputs\":[{\"name\":\"a\",\"line\":1},{\"name\":\"a\",\"line\":2}]}", "used twice")]
    [InlineData("{\"driver\":\"simulated\",\"outputs\":[{\"name\":\"a\",\"line\":5000}]}", "gpio.outputs[0].line")]
    public async Task Bad_gpio_configuration_is_refused(string gpio, string expected)
    {
        var context = MediaContext.Create($"{{\"gpio\":{gpio}}}");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new MediaPlugin().StartAsync(context, CancellationToken.None));
        Assert.Contains(expected, error.Message);
        await context.DisposeAsync();
    }

    /// <summary>A clock that moves 2 ms each time it is read, like a loaded machine: the edge is handled after its
    /// debounce has passed (the media plugin in the emulated image, on gpio-sim lines, image/boot-test-gpio.sh).</summary>
    private sealed class SlowClock : TimeProvider
    {
        private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
        private long _reads;

        public override DateTimeOffset GetUtcNow() => _start + TimeSpan.FromMilliseconds(2 * Interlocked.Increment(ref _reads));
    }

    [Theory]
    [InlineData(0)] // due 2 ms ago: the timer used to throw in the edge callback
    [InlineData(1)] // due 1 ms ago (-1 ms is "never" to a timer): the change used to be lost
    public async Task An_edge_handled_after_its_debounce_has_passed_still_becomes_a_change(int debounceMs)
    {
        var driver = new SimulatedGpioDriver();
        using var gpio = new GpioService(new GpioSettings(GpioDriverKind.Simulated, 0, "bench", [new GpioInputSettings("door", 2, false, debounceMs)], []), driver, new SlowClock());
        Assert.False(gpio.States()["door"]);
        driver.SetInput(2, PinValue.High);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal(new DigitalInputChanged("bench", "door", true), await gpio.Changes.ReadAsync(timeout.Token));
        Assert.True(gpio.States()["door"]);
    }
}
