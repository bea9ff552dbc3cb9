using Appliance.Plugins.Recording.Protocol.Clips;
using Xunit;

namespace Appliance.Plugins.Recording.Protocol.Tests;

/// <summary>Clip requests: each bad one is refused with its own code and a message naming the problem.</summary>
public sealed class ClipRangeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private static Abstractions.Result<ClipRange> Check(string? camera, string? from, string? to) =>
        ClipRanges.Validate(camera, from, to, Now, Retention, id => id == "lobby");

    [Theory]
    [InlineData(null, "2026-12-04T11:00:00Z", "2026-12-04T11:02:00Z", "malformed")]
    [InlineData("lobby", "yesterday", "2026-12-04T11:02:00Z", "malformed")]
    [InlineData("lobby", "2026-12-04T11:00:00Z", "", "malformed")]
    [InlineData("lobby", "2026-12-04T11:02:00Z", "2026-12-04T11:00:00Z", "reversed")]
    [InlineData("lobby", "2026-12-04T11:00:00Z", "2026-12-04T11:00:00Z", "reversed")]
    [InlineData("lobby", "2026-12-04T12:01:00Z", "2026-12-04T12:02:00Z", "future")]
    [InlineData("lobby", "2026-12-04T11:59:00Z", "2026-12-04T12:01:00Z", "future")]
    [InlineData("lobby", "2026-12-03T11:00:00Z", "2026-12-04T11:30:00Z", "too-long")]
    [InlineData("yard", "2026-12-04T11:00:00Z", "2026-12-04T11:02:00Z", "unknown-camera")]
    public void Bad_requests_are_refused_with_their_code(string? camera, string? from, string? to, string code)
    {
        var result = Check(camera, from, to);
        Assert.False(result.IsOk);
        Assert.Equal(code, result.Failure!.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Failure.Message));
    }

    [Fact]
    public void A_good_request_is_taken_in_UTC_and_hostile_text_is_malformed()
    {
        var ok = Check("lobby", "2026-12-04T12:00:00+01:00", "2026-12-04T11:02:00Z");
        Assert.True(ok.IsOk, ok.ToString());
        Assert.Equal(TimeSpan.FromMinutes(2), ok.Value.Length);
        Assert.Equal("malformed", Check("lobby", new string('9', 10_000), "2026-12-04T11:02:00Z").Failure!.Code);
        Assert.Equal("malformed", Check("lobby", "2026-13-45T99:00:00Z", "2026-12-04T11:02:00Z").Failure!.Code);
    }

    [Theory]
    [InlineData(null, "30", "30", "malformed")]
    [InlineData("lobby", "-1", "30", "malformed")]
    [InlineData("lobby", "30", "3601", "malformed")]
    [InlineData("lobby", "0", "0", "malformed")]
    [InlineData("lobby", "1e3", "30", "malformed")]
    [InlineData("lobby", " 30", "30", "malformed")]
    [InlineData("lobby", null, "30", "malformed")]
    [InlineData("lobby", "99999999999999999999", "30", "malformed")]
    [InlineData("lobby", "3600", "3600", "too-long")]
    [InlineData("yard", "30", "30", "unknown-camera")]
    public void A_rule_actions_clip_with_bad_seconds_or_camera_is_refused(string? camera, string? pre, string? post, string code)
    {
        var result = ClipRanges.AroundEvent(camera, Now, pre, post, TimeSpan.FromMinutes(90), id => id == "lobby");
        Assert.Equal(code, result.Failure!.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Failure.Message));
    }

    [Fact]
    public void A_rule_actions_clip_reaches_from_before_to_after_the_event_even_into_the_future()
    {
        var result = ClipRanges.AroundEvent("lobby", Now, "30", "90", Retention, id => id == "lobby");
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal((Now.AddSeconds(-30), Now.AddSeconds(90)), (result.Value.From, result.Value.To));
    }
}
