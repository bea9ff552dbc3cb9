using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Onvif.Plugin.Facade.Auth;
using Appliance.Plugins.Onvif.Plugin.Facade.Events;
using Appliance.Plugins.Onvif.Plugin.Facade.Services;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Plugins.Onvif.Plugin.Tests.Facade;

/// <summary>The facade's bounded state (replay cache, pull points) and its channel catalog, on a clock the test moves.</summary>
public sealed class FacadeBoundsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 31, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheReplayCacheRefusesRepeatsStaleTokensAndNewTokensWhenFullUntilOldOnesExpire()
    {
        var time = new FakeTimeProvider(T0);
        var cache = new NonceCache(time, TimeSpan.FromMinutes(5), capacity: 3);
        Assert.Equal(NonceCache.Outcome.Fresh, cache.Admit("a", T0));
        Assert.Equal(NonceCache.Outcome.Replayed, cache.Admit("a", T0));
        Assert.Equal(NonceCache.Outcome.OutsideWindow, cache.Admit("b", T0.AddMinutes(6)));
        Assert.Equal(NonceCache.Outcome.OutsideWindow, cache.Admit("b", T0.AddMinutes(-6)));
        Assert.Equal(NonceCache.Outcome.Fresh, cache.Admit("b", T0));
        Assert.Equal(NonceCache.Outcome.Fresh, cache.Admit("c", T0));
        Assert.Equal(NonceCache.Outcome.Full, cache.Admit("d", T0));
        Assert.Equal(3, cache.Count);
        time.SetUtcNow(T0.AddMinutes(6)); // every remembered token is now too old to pass the Created check
        Assert.Equal(NonceCache.Outcome.Fresh, cache.Admit("d", time.GetUtcNow()));
        Assert.Equal(1, cache.Count);
        Assert.Equal(NonceCache.Outcome.OutsideWindow, cache.Admit("a", T0)); // the forgotten nonce cannot come back: its Created is stale
    }

    private static EventTopics.Notification Motion(DateTimeOffset at, string camera) =>
        new("tns1:VideoSource/MotionAlarm", at, [("Source", "vs_" + camera)], [("State", "true")]);

    [Fact]
    public async Task PullPointsAreBoundedInNumberQueueAndLifetime()
    {
        var time = new FakeTimeProvider(T0);
        var points = new PullPointSubscriptions(time, maxSubscriptions: 2, maxQueued: 3);
        points.Publish(Motion(T0.AddSeconds(-1), "before")); // nobody subscribed yet: goes nowhere
        var first = points.Create(null).Value;
        var second = points.Create(T0.AddDays(3)).Value;
        Assert.Equal(T0 + PullPointSubscriptions.MaxTermination, second.Terminates);
        var third = points.Create(null);
        Assert.Equal("Action/TooManySubscriptions", third.Failure!.Code);

        for (var i = 0; i < 5; i++) points.Publish(Motion(T0.AddSeconds(i), "cam" + i));
        var pulled = (await points.PullAsync(first.Id, TimeSpan.Zero, 10, CancellationToken.None)).Value;
        Assert.Equal(["vs_cam2", "vs_cam3", "vs_cam4"], pulled.Messages.Select(m => m.Source[0].Value));
        Assert.Equal(2, pulled.Subscription.Dropped);

        time.SetUtcNow(T0 + PullPointSubscriptions.DefaultTermination + TimeSpan.FromSeconds(1));
        var expired = await points.PullAsync(first.Id, TimeSpan.Zero, 10, CancellationToken.None);
        Assert.Equal("InvalidArgVal/NoSubscription", expired.Failure!.Code);
        Assert.True(points.Create(null).IsOk, "the expired subscription's place is free again");
        Assert.True(points.Remove(second.Id));
        Assert.False(points.Remove(second.Id));
    }

    [Fact]
    public async Task APullWaitsForTheFirstNotification()
    {
        var points = new PullPointSubscriptions(TimeProvider.System);
        var s = points.Create(null).Value;
        var pull = points.PullAsync(s.Id, TimeSpan.FromSeconds(30), 10, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(pull.IsCompleted);
        points.Publish(Motion(DateTimeOffset.UtcNow, "lobby"));
        var pulled = (await pull.WaitAsync(TimeSpan.FromSeconds(5))).Value;
        Assert.Single(pulled.Messages);
    }

    [Fact]
    public void TheCatalogHasAMainProfilePerEnabledCameraAndOneMorePerDerivedStreamWithValidTokens()
    {
        var longId = new string('x', 80);
        var cameras = new[]
        {
            new CameraInfo("lobby", "Lobby", true, null, null, null, null, new CameraOverrides()),
            new CameraInfo("gate cam/ä", "Gate", true, null, null, null, null, new CameraOverrides()),
            new CameraInfo(longId, "Long", true, null, null, null, null, new CameraOverrides()),
            new CameraInfo("off", "Off", false, null, null, null, null, new CameraOverrides()),
        };
        var streams = new[]
        {
            new StreamDescriptor("camera/lobby/sd", [new MediaTrack(0, MediaCodec.H264, 90000, null, [])]),
            new StreamDescriptor("camera/lobbyist", [new MediaTrack(0, MediaCodec.H264, 90000, null, [])]),
            new StreamDescriptor("camera/off", [new MediaTrack(0, MediaCodec.H264, 90000, null, [])]),
        };
        var catalog = ChannelCatalog.Build(cameras, streams);
        Assert.Equal(["camera/gate cam/ä", "camera/lobby", "camera/lobby/sd", "camera/" + longId], catalog.Select(p => p.StreamName));
        Assert.All(catalog, p => Assert.Matches("^[A-Za-z0-9_-]{1,64}$", p.Token));
        Assert.Equal(catalog.Count, catalog.Select(p => p.Token).Distinct().Count());
        Assert.Null(catalog.Single(p => p.StreamName == "camera/lobby").Codec); // not in the hub yet: listed all the same
        Assert.Equal(ChannelCatalog.Build(cameras.Reverse().ToArray(), streams.Reverse().ToArray()), catalog);
    }
}
