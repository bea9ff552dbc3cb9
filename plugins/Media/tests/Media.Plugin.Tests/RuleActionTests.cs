using System.Device.Gpio;
using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Media.Plugin.Gpio;
using Appliance.Plugins.Media.Plugin.Rules;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Tests.Shared;
using Appliance.Testing;
using Appliance.Testing.Plugins;
using Xunit;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>The rules' gpio and snapshot actions, published on the bus and carried out by the running plugin.</summary>
public sealed class RuleActionTests
{
    private const string SimulatedGpio = """
        {"motion":{"enabled":false},"gpio":{"driver":"simulated","device":"io-board",
          "outputs":[{"name":"siren","line":17},{"name":"lock","line":18,"activeLow":true}]}}
        """;

    private readonly string _folder = Clips.TempFolder("rule-actions");

    private static async Task<(MediaPlugin Plugin, PluginContextDouble Context)> StartAsync(string config, params string[] cameras)
    {
        var context = MediaContext.Create(config);
        var plugin = new MediaPlugin();
        await plugin.StartAsync(context, CancellationToken.None);
        context.SetCameras(cameras);
        return (plugin, context);
    }

    private static async Task StopAsync(MediaPlugin plugin, PluginContextDouble context)
    {
        await plugin.StopAsync(CancellationToken.None);
        await context.DisposeAsync();
        Assert.Empty(context.BackgroundFailures);
    }

    private static int Pulses(SimulatedGpioDriver driver, int line) => driver.Writes.Count(w => w.Line == line && w.Value == PinValue.High);

    [Fact]
    public async Task A_gpio_action_pulses_the_output_once_even_when_delivered_again()
    {
        var (plugin, context) = await StartAsync(SimulatedGpio);
        var driver = Assert.IsType<SimulatedGpioDriver>(plugin.GpioDriver);
        Assert.Equal(PinValue.Low, driver.Level(17));

        var request = RuleActionRequests.Gpio("siren", "400");
        var envelope = await context.Outbox.DeliverToSubscribersAsync(request);
        Assert.Equal(PinValue.High, driver.Level(17));
        Assert.True(await Eventually.HoldsWithinAsync(() => driver.Level(17) == PinValue.Low, TimeSpan.FromSeconds(30)));
        var writes = driver.Writes.Where(w => w.Line == 17).ToList();
        var pulse = writes.Last(w => w.Value == PinValue.Low).At - writes.Last(w => w.Value == PinValue.High).At;
        Assert.True(pulse >= TimeSpan.FromMilliseconds(390), $"pulse lasted {pulse.TotalMilliseconds} ms");
        var delivered = Assert.Single(context.Outbox.Of<RuleActionDelivered>());
        Assert.Equal((envelope.Id, "siren-on-door", "gpio", "siren"), (delivered.RequestEventId, delivered.RuleId, delivered.Kind, delivered.Target));

        // The outbox delivers the same envelope again, and the host publishes the same action a second time: no second pulse.
        await plugin.RuleActions!.HandleAsync(envelope, CancellationToken.None);
        await context.Outbox.DeliverToSubscribersAsync(request);
        Assert.Equal(1, Pulses(driver, 17));
        Assert.Single(context.Outbox.Of<RuleActionDelivered>());
        Assert.Empty(context.Outbox.Of<RuleActionExpired>());

        // Another action of the same rule (next index) is a different action: it pulses.
        await context.Outbox.DeliverToSubscribersAsync(RuleActionRequests.Gpio("siren", "50", request.TriggerEventId, index: 1));
        Assert.Equal(2, Pulses(driver, 17));
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task An_active_low_output_is_pulsed_low()
    {
        var (plugin, context) = await StartAsync(SimulatedGpio);
        var driver = Assert.IsType<SimulatedGpioDriver>(plugin.GpioDriver);
        Assert.Equal(PinValue.High, driver.Level(18));
        await context.Outbox.DeliverToSubscribersAsync(RuleActionRequests.Gpio("lock", "200"));
        Assert.Equal(PinValue.Low, driver.Level(18));
        Assert.True(await Eventually.HoldsWithinAsync(() => driver.Level(18) == PinValue.High, TimeSpan.FromSeconds(30)));
        Assert.Single(context.Outbox.Of<RuleActionDelivered>());
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task An_unknown_output_expires_with_the_reason_and_drives_nothing()
    {
        var (plugin, context) = await StartAsync(SimulatedGpio);
        var driver = Assert.IsType<SimulatedGpioDriver>(plugin.GpioDriver);
        var writesBefore = driver.Writes.Count;
        var envelope = await context.Outbox.DeliverToSubscribersAsync(RuleActionRequests.Gpio("strobe", "500"));
        var expired = Assert.Single(context.Outbox.Of<RuleActionExpired>());
        Assert.Equal((envelope.Id, "gpio", "strobe"), (expired.RequestEventId, expired.Kind, expired.Target));
        Assert.Contains("no GPIO output named 'strobe'", expired.LastError);
        Assert.Equal(writesBefore, driver.Writes.Count);
        Assert.Empty(context.Outbox.Of<RuleActionDelivered>());
        await StopAsync(plugin, context);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3600001")]
    [InlineData("-5")]
    [InlineData("500ms")]
    [InlineData("99999999999999999999")]
    [InlineData(null)]
    public async Task A_pulse_the_manual_route_would_refuse_expires(string? pulseMs)
    {
        var (plugin, context) = await StartAsync(SimulatedGpio);
        var driver = Assert.IsType<SimulatedGpioDriver>(plugin.GpioDriver);
        await context.Outbox.DeliverToSubscribersAsync(RuleActionRequests.Gpio("siren", pulseMs));
        Assert.Contains("pulseMs must be 1..3600000", Assert.Single(context.Outbox.Of<RuleActionExpired>()).LastError);
        Assert.Equal(0, Pulses(driver, 17));
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task With_gpio_off_a_gpio_action_expires()
    {
        var (plugin, context) = await StartAsync("{\"motion\":{\"enabled\":false}}");
        await context.Outbox.DeliverToSubscribersAsync(RuleActionRequests.Gpio("siren", "500"));
        var expired = Assert.Single(context.Outbox.Of<RuleActionExpired>());
        Assert.Contains("gpio.driver is none", expired.LastError);
        Assert.Empty(context.Outbox.Of<RuleActionDelivered>());
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task With_a_gpio_driver_that_did_not_open_a_gpio_action_is_retried_until_it_is_too_old()
    {
        var (plugin, context) = await StartAsync("{\"motion\":{\"enabled\":false},\"gpio\":{\"driver\":\"libgpiod\",\"chip\":9,\"outputs\":[{\"name\":\"siren\",\"line\":17}]}}");
        var request = RuleActionRequests.Gpio("siren", "500");
        await Assert.ThrowsAsync<RuleActionNotYetPossibleException>(() => context.Outbox.DeliverToSubscribersAsync(request));
        Assert.Empty(context.Outbox.Of<RuleActionExpired>());

        var old = Envelope(request, DateTimeOffset.UtcNow - RuleActionHandler.DefaultMaxWait - TimeSpan.FromSeconds(1));
        await plugin.RuleActions!.HandleAsync(old, CancellationToken.None);
        var expired = Assert.Single(context.Outbox.Of<RuleActionExpired>());
        Assert.Contains("gpio-unavailable", expired.LastError);
        Assert.Contains("gave up", expired.LastError);
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task A_snapshot_action_keeps_the_cameras_latest_frame_under_the_trigger_id()
    {
        var (plugin, context) = await StartAsync("{\"motion\":{\"enabled\":false},\"snapshot\":{\"onEvents\":[]}}", "dock");
        var file = Clips.Elementary(_folder, VideoFormat.H264, 640, 360, 1);
        await using (FileCamera.Start(context.Streams, "dock", file, VideoFormat.H264, loop: false))
            Assert.True(await Eventually.HoldsWithinAsync(() => plugin.Pipeline("dock")?.FramesDecoded > 5, TimeSpan.FromSeconds(60)));

        var named = RuleActionRequests.Snapshot("dock");
        var envelope = await context.Outbox.DeliverToSubscribersAsync(named);
        var id = $"event-{named.TriggerEventId:N}-dock";
        var stored = await context.HttpRoutes.CallAsync("GET", "snapshots/{id}", new Dictionary<string, string> { ["id"] = id });
        Assert.Equal(200, stored.Status);
        var path = Path.Combine(_folder, "rule-snapshot.jpg");
        await File.WriteAllBytesAsync(path, stored.Body);
        var probe = Clips.Probe(path);
        Assert.Equal(("mjpeg", 640, 360), (probe.Codec, probe.Width, probe.Height));
        var delivered = Assert.Single(context.Outbox.Of<RuleActionDelivered>());
        Assert.Equal((envelope.Id, "snapshot", "dock"), (delivered.RequestEventId, delivered.Kind, delivered.Target));

        // No camera in the action: the triggering event's camera.
        var defaulted = RuleActionRequests.Snapshot("", eventCamera: "dock");
        await context.Outbox.DeliverToSubscribersAsync(defaulted);
        Assert.Contains(plugin.Store!.List(), s => s.Id == $"event-{defaulted.TriggerEventId:N}-dock");
        Assert.Equal(2, context.Outbox.Of<RuleActionDelivered>().Count);
        Assert.Equal("dock", context.Outbox.Of<RuleActionDelivered>()[1].Target);
        Assert.Empty(context.Outbox.Of<RuleActionExpired>());
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task A_snapshot_of_an_unknown_camera_or_of_no_camera_expires_with_the_reason()
    {
        var (plugin, context) = await StartAsync("{\"motion\":{\"enabled\":false}}", "dock");
        await context.Outbox.DeliverToSubscribersAsync(RuleActionRequests.Snapshot("nowhere"));
        await context.Outbox.DeliverToSubscribersAsync(RuleActionRequests.Snapshot("", eventCamera: null));
        var expired = context.Outbox.Of<RuleActionExpired>();
        Assert.Equal(2, expired.Count);
        Assert.Contains("no camera 'nowhere'", expired[0].LastError);
        Assert.Equal("nowhere", expired[0].Target);
        Assert.Contains("names no camera", expired[1].LastError);
        Assert.Empty(plugin.Store!.List());
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task A_snapshot_of_a_camera_without_a_frame_yet_is_retried_and_expires_when_too_old()
    {
        var (plugin, context) = await StartAsync("{\"motion\":{\"enabled\":false}}", "quiet");
        var request = RuleActionRequests.Snapshot("quiet");
        var error = await Assert.ThrowsAsync<RuleActionNotYetPossibleException>(() => context.Outbox.DeliverToSubscribersAsync(request));
        Assert.Contains("no-frame", error.Message);
        Assert.Empty(context.Outbox.Of<RuleActionExpired>());
        Assert.Empty(context.Outbox.Of<RuleActionDelivered>());

        // A redelivery is not mistaken for a repeat (the failed attempt left no claim); once too old it expires.
        var old = Envelope(request, DateTimeOffset.UtcNow - RuleActionHandler.DefaultMaxWait - TimeSpan.FromSeconds(1));
        await plugin.RuleActions!.HandleAsync(old, CancellationToken.None);
        var expired = Assert.Single(context.Outbox.Of<RuleActionExpired>());
        Assert.Equal(("snapshot", "quiet"), (expired.Kind, expired.Target));
        Assert.Contains("no-frame", expired.LastError);
        Assert.True(expired.Age > RuleActionHandler.DefaultMaxWait);
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task Other_kinds_are_left_to_their_plugins()
    {
        var (plugin, context) = await StartAsync(SimulatedGpio);
        await context.Outbox.DeliverToSubscribersAsync(RuleActionRequests.Request("webhook", "siren", new Dictionary<string, string> { ["pulseMs"] = "500" }));
        await context.Outbox.DeliverToSubscribersAsync(RuleActionRequests.Request("email", "", new Dictionary<string, string>()));
        Assert.Empty(context.Outbox.Of<RuleActionDelivered>());
        Assert.Empty(context.Outbox.Of<RuleActionExpired>());
        Assert.Equal(0, Pulses(Assert.IsType<SimulatedGpioDriver>(plugin.GpioDriver), 17));
        await StopAsync(plugin, context);
    }

    /// <summary>The envelope the outbox would deliver for <paramref name="request"/> published at <paramref name="at"/>.</summary>
    private static EventEnvelope Envelope(RuleActionRequested request, DateTimeOffset at) =>
        new(99, Guid.NewGuid(), nameof(RuleActionRequested), request.Category, "appliance.rules", at,
            JsonSerializer.SerializeToElement(request, EventEnvelope.SerializerOptions));
}
