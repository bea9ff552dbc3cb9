using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Media.Plugin.Gpio;
using Appliance.Plugins.Media.Plugin.Rules;
using Appliance.Plugins.Media.Plugin.Snapshots;
using Appliance.Plugins.Media.Protocol.Snapshots;
using Appliance.Testing.Plugins;
using Xunit;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>
/// The handler alone, with a snapshot source that has a frame for any camera id (the worst case: a camera whose id
/// is hostile exists and delivers), so what reaches the store is exactly what a target makes of the snapshot name.
/// </summary>
public sealed class RuleActionHandlerTests : IDisposable
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xD9];
    private readonly string _root = Directory.CreateTempSubdirectory("appl-media-rule-actions-").FullName;
    private readonly OutboxDouble _bus = new();

    private string StoreFolder => Path.Combine(_root, "store", "snapshots");

    private RuleActionHandler Handler(int remembered = RuleActionHandler.DefaultRemembered) =>
        new(GpioDriverKind.None, () => null, id => new Snapshot(id, Jpeg, "\"1\"", 1), new SnapshotStore(StoreFolder, new SnapshotBudgets(1 << 20, 1 << 20)), _bus,
            TimeProvider.System, RuleActionHandler.DefaultMaxWait, remembered);

    public void Dispose() => Directory.Delete(_root, true);

    [Theory]
    [InlineData("../../../../tmp/escaped")]
    [InlineData("..")]
    [InlineData("lobby/../../x")]
    [InlineData("..\\..\\windows")]
    public async Task A_camera_id_with_parent_steps_is_refused_by_the_store(string target)
    {
        var handler = Handler();
        _bus.Subscribe(RuleActionHandler.SubscriptionName, RuleActionHandler.EventTypes, handler.HandleAsync);
        await _bus.DeliverToSubscribersAsync(RuleActionRequests.Snapshot(target));
        var expired = Assert.Single(_bus.Of<RuleActionExpired>());
        Assert.StartsWith("invalid-id:", expired.LastError);
        Assert.Empty(_bus.Of<RuleActionDelivered>());
        AssertNothingOutsideTheStore();
        Assert.Empty(Directory.GetFiles(StoreFolder));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("C:\\Windows\\win.ini")]
    [InlineData("lobby\0.jpg")]
    [InlineData("~root/.ssh")]
    public void Path_characters_in_a_camera_id_become_underscores_and_the_file_stays_in_the_store(string target)
    {
        var handler = Handler();
        var request = RuleActionRequests.Snapshot(target);
        Assert.True(handler.CarryOut(request).IsOk);
        var file = Assert.Single(Directory.GetFiles(StoreFolder));
        Assert.Equal(StoreFolder, Path.GetDirectoryName(file));
        Assert.Equal($"event-{request.TriggerEventId:N}-{SnapshotIds.Sanitize(target)}.jpg", Path.GetFileName(file));
        Assert.DoesNotContain('/', Path.GetFileName(file));
        AssertNothingOutsideTheStore();
    }

    [Theory]
    [InlineData("snapshot", 200)]
    [InlineData("snapshot", 10_000)]
    [InlineData("gpio", 10_000)]
    public async Task A_very_long_target_expires_and_the_report_does_not_carry_all_of_it(string kind, int length)
    {
        var handler = Handler();
        _bus.Subscribe(RuleActionHandler.SubscriptionName, RuleActionHandler.EventTypes, handler.HandleAsync);
        var target = new string('x', length);
        await _bus.DeliverToSubscribersAsync(RuleActionRequests.Request(kind, target, new Dictionary<string, string> { ["pulseMs"] = "10" }));
        var expired = Assert.Single(_bus.Of<RuleActionExpired>());
        Assert.True(expired.Target.Length <= RuleActionHandler.MaxTargetLength + 3);
        Assert.True(expired.LastError.Length < 1000, $"reason of {expired.LastError.Length} characters");
        Assert.Empty(Directory.GetFiles(StoreFolder));
        AssertNothingOutsideTheStore();
    }

    [Fact]
    public void The_memory_of_handled_actions_is_bounded_and_forgets_the_oldest_first()
    {
        var handled = new HandledRuleActions(3);
        var keys = Enumerable.Range(0, 5).Select(i => new RuleActionKey(Guid.NewGuid(), "r", i)).ToList();
        Assert.All(keys, k => Assert.True(handled.TryClaim(k)));
        Assert.Equal(3, handled.Count);
        Assert.False(handled.TryClaim(keys[4]));
        Assert.False(handled.TryClaim(keys[2]));
        Assert.True(handled.TryClaim(keys[0])); // forgotten: the oldest went first
        handled.Release(keys[0]);
        Assert.True(handled.TryClaim(keys[0]));
        Assert.False(handled.TryClaim(new RuleActionKey(keys[3].TriggerEventId, "r", 3))); // equal by value
        Assert.Throws<ArgumentOutOfRangeException>(() => new HandledRuleActions(0));
    }

    [Fact]
    public async Task A_repeat_older_than_the_memory_is_carried_out_again_but_a_recent_one_is_not()
    {
        var handler = Handler(remembered: 2);
        _bus.Subscribe(RuleActionHandler.SubscriptionName, RuleActionHandler.EventTypes, handler.HandleAsync);
        var first = RuleActionRequests.Snapshot("a");
        await _bus.DeliverToSubscribersAsync(first);
        await _bus.DeliverToSubscribersAsync(first);
        Assert.Single(_bus.Of<RuleActionDelivered>());
        await _bus.DeliverToSubscribersAsync(RuleActionRequests.Snapshot("b"));
        await _bus.DeliverToSubscribersAsync(RuleActionRequests.Snapshot("c"));
        await _bus.DeliverToSubscribersAsync(first);
        Assert.Equal(4, _bus.Of<RuleActionDelivered>().Count);
    }

    /// <summary>The only thing under the test root is the store's folder, and it holds only <c>*.jpg</c>.</summary>
    private void AssertNothingOutsideTheStore()
    {
        var everything = Directory.GetFileSystemEntries(_root, "*", SearchOption.AllDirectories);
        Assert.All(everything, e => Assert.True(e == Path.Combine(_root, "store") || e == StoreFolder || Path.GetDirectoryName(e) == StoreFolder, e));
        Assert.All(Directory.GetFiles(StoreFolder), f => Assert.EndsWith(".jpg", f));
        Assert.False(File.Exists("/tmp/escaped.jpg"));
    }
}
