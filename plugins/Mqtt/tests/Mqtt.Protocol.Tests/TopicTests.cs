using Appliance.Plugins.Mqtt.Protocol;

namespace Appliance.Plugins.Mqtt.Tests;

public sealed class TopicTests
{
    [Theory]
    [InlineData("site/door")]
    [InlineData("a//b")]
    [InlineData("/leading")]
    [InlineData("trailing/")]
    [InlineData("/")]
    [InlineData("portes/entrée")]
    public void Topic_names_with_empty_levels_and_unicode_are_valid(string topic) => Assert.Equal(topic, MqttTopic.Validate(topic).Value);

    [Theory]
    [InlineData("", "site/door", "site/door")]
    [InlineData(null, "site/door", "site/door")]
    [InlineData("appliance-1", "site/door", "appliance-1/site/door")]
    [InlineData("appliance-1/", "site/door", "appliance-1/site/door")]
    public void The_prefix_is_joined_with_one_slash(string? prefix, string topic, string expected) =>
        Assert.Equal(expected, MqttTopic.Compose(prefix, topic).Value);

    [Theory]
    [InlineData("site/+/door", "wildcard")]
    [InlineData("site/#", "wildcard")]
    [InlineData("#", "wildcard")]
    [InlineData("site/do+or", "wildcard")]
    [InlineData("site/\0door", "NUL")]
    public void Wildcards_NUL_and_invalid_UTF8_are_refused_with_the_reason(string topic, string reason)
    {
        var result = MqttTopic.Compose("", topic);
        Assert.False(result.IsOk);
        Assert.Equal("malformed", result.Failure!.Code);
        Assert.Contains(reason, result.Failure.Message);
    }

    [Fact]
    public void A_topic_with_an_unpaired_surrogate_is_not_valid_UTF8()
    {
        // Built in code: an attribute argument cannot carry an unpaired surrogate.
        var result = MqttTopic.Compose("", "site/" + (char)0xD800 + "door");
        Assert.Equal("malformed", result.Failure!.Code);
        Assert.Contains("not valid UTF-8", result.Failure.Message);
    }

    [Fact]
    public void A_wildcard_in_the_prefix_is_refused_too()
    {
        var result = MqttTopic.Compose("site/#", "door");
        Assert.Equal("malformed", result.Failure!.Code);
        Assert.Contains("wildcard", result.Failure.Message);
    }

    [Fact]
    public void An_empty_topic_is_refused()
    {
        var result = MqttTopic.Compose("prefix", "");
        Assert.Equal("malformed", result.Failure!.Code);
        Assert.Contains("no MQTT topic", result.Failure.Message);
    }

    [Fact]
    public void A_topic_over_65535_UTF8_bytes_is_refused_and_one_at_the_limit_accepted()
    {
        Assert.True(MqttTopic.Validate(new string('a', 65535)).IsOk);
        var ascii = MqttTopic.Validate(new string('a', 65536));
        Assert.Equal("too-large", ascii.Failure!.Code);
        Assert.Contains("65536 bytes", ascii.Failure.Message);
        // 32768 two-byte characters: under 65535 characters, over 65535 bytes.
        var multibyte = MqttTopic.Validate(new string('é', 32768));
        Assert.Equal("too-large", multibyte.Failure!.Code);
        Assert.Contains("65536 bytes", multibyte.Failure.Message);
    }

    [Fact]
    public void The_error_message_shows_a_hostile_topic_escaped_and_shortened()
    {
        var result = MqttTopic.Validate("x\u0001" + new string('#', 500));
        Assert.Contains("\\u0001", result.Failure!.Message);
        Assert.True(result.Failure.Message.Length < 200, result.Failure.Message);
    }
}
