using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Protocol.Client;

namespace Appliance.Plugins.Onvif.Plugin.Tests.Facade;

/// <summary>
/// The project's own ONVIF client (the one that adds cameras, <c>Onvif.Protocol/Client</c>) against the facade, as a third
/// peer: clock, services, Media2 profiles and stream URIs, and the whole pull-point life cycle (create, pull, renew,
/// unsubscribe). Its WS-Security PasswordDigest is answered with the Digest challenge, which it answers.
/// </summary>
public sealed class OwnClientTests : IAsyncLifetime
{
    private FacadeRig _rig = null!;

    public async Task InitializeAsync() => _rig = await FacadeRig.StartAsync(rtspPort: 554);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private OnvifClient Client(string user, string password) =>
        new(new SoapHttpClient(new HttpClient(), new OnvifCredentials(user, password), TimeProvider.System), _rig.DeviceService);

    [Fact]
    public async Task ServicesAndMedia2ProfilesAndStreamUris()
    {
        var client = Client("viewer", "viewer-pass");
        Assert.True((await client.SynchronizeClockAsync()).IsOk);
        var services = (await client.GetServiceAddressesAsync()).Value;
        Assert.NotNull(services.Media2);
        Assert.True(services.PullPointSupported);
        var profiles = (await client.GetProfiles2Async(services.Media2!)).Value;
        Assert.Equal(["p_lobby", "p_lobby_sd", "p_yard"], profiles.Select(p => p.Token));
        Assert.Equal("H265", profiles.Single(p => p.Token == "p_yard").Encoding);
        Assert.Equal(new Uri("rtsp://127.0.0.1:554/camera/lobby/sd"), (await client.GetStreamUri2Async(services.Media2!, "p_lobby_sd")).Value);
        var unknown = await client.GetStreamUri2Async(services.Media2!, "p_nowhere");
        Assert.False(unknown.IsOk);
        Assert.Contains("NoProfile", unknown.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullPointLifeCycleCarriesInputsAndRuleOutputs()
    {
        var client = Client("operator", "operator-pass");
        var services = (await client.GetServiceAddressesAsync()).Value;
        var subscription = (await client.CreatePullPointSubscriptionAsync(services.Events!, TimeSpan.FromMinutes(2))).Value;
        Assert.StartsWith($"http://127.0.0.1:{_rig.Port}/onvif/pullpoint/", subscription.Address.ToString(), StringComparison.Ordinal);

        await _rig.Context.Outbox.DeliverToSubscribersAsync(new DigitalInputChanged("gpio0", "door", true));
        await _rig.Context.Outbox.DeliverToSubscribersAsync(new RuleActionRequested("r1", "Door opened", 0, "vms", "site-vms", new Dictionary<string, string> { ["message"] = "door" },
            [], Guid.NewGuid(), nameof(DigitalInputChanged), DateTimeOffset.UtcNow, null, "gpio0/door", null));
        await _rig.Context.Outbox.DeliverToSubscribersAsync(new RuleActionRequested("r2", "Mail", 0, "email", "ops", new Dictionary<string, string>(),
            ["ops@example.test"], Guid.NewGuid(), nameof(DigitalInputChanged), DateTimeOffset.UtcNow, null, null, null));
        var pulled = (await client.PullMessagesAsync(subscription, TimeSpan.FromSeconds(5), 10)).Value;
        Assert.Empty(pulled.Problems);
        Assert.Equal(["tns1:Device/Trigger/DigitalInput", "appl:RuleEngine/RuleOutput"], pulled.Messages.Select(m => m.Topic));
        Assert.Equal("gpio0/door", pulled.Messages[0].AllItems()["InputToken"]);
        Assert.Equal("true", pulled.Messages[0].AllItems()["LogicalState"]);
        Assert.Equal("site-vms", pulled.Messages[1].AllItems()["Target"]);

        var renewed = await client.RenewAsync(subscription, TimeSpan.FromMinutes(10));
        Assert.True(renewed.Value > DateTimeOffset.UtcNow.AddMinutes(9));
        Assert.True((await client.UnsubscribeAsync(subscription)).Value);
        var gone = await client.PullMessagesAsync(subscription, TimeSpan.FromSeconds(1), 10);
        Assert.False(gone.IsOk);
        Assert.Contains("NoSubscription", gone.Failure!.Message, StringComparison.Ordinal);
    }
}
