using System.Text;
using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Mqtt.Protocol;

namespace Appliance.Plugins.Mqtt.Tests;

public sealed class PayloadTests
{
    public static RuleActionRequested Action(string topic, string? payload, string ruleId = "door") => new(
        ruleId, "Door opened", 2, "mqtt", topic,
        payload is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["payload"] = payload },
        [], Guid.Parse("3f2c8a4e-0000-4000-8000-000000000001"), "DigitalInputChanged",
        new DateTimeOffset(2026, 12, 3, 16, 0, 0, TimeSpan.Zero), "cam-1", "io-1/door", "entrance");

    [Fact]
    public void The_payload_parameter_is_published_as_UTF8()
    {
        var message = ActionMessage.For(Action("site/door", "ouvert ✓"), "appliance-1").Value;
        Assert.Equal("appliance-1/site/door", message.Topic);
        Assert.Equal(Encoding.UTF8.GetBytes("ouvert ✓"), message.Payload);
        Assert.Contains(("ruleId", "door"), message.Properties);
        Assert.Contains(("actionIndex", "2"), message.Properties);
        Assert.Contains(("triggerEventId", "3f2c8a4e-0000-4000-8000-000000000001"), message.Properties);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_a_payload_the_rule_firing_document_is_published(string? payload)
    {
        var message = ActionMessage.For(Action("site/door", payload), null).Value;
        var json = JsonDocument.Parse(message.Payload).RootElement;
        Assert.Equal("door", json.GetProperty("ruleId").GetString());
        Assert.Equal("Door opened", json.GetProperty("ruleName").GetString());
        Assert.Equal(2, json.GetProperty("actionIndex").GetInt32());
        Assert.Equal("3f2c8a4e-0000-4000-8000-000000000001", json.GetProperty("triggerEventId").GetString());
        Assert.Equal("DigitalInputChanged", json.GetProperty("triggerEventType").GetString());
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 16, 0, 0, TimeSpan.Zero), json.GetProperty("triggeredAt").GetDateTimeOffset());
        Assert.Equal("cam-1", json.GetProperty("cameraId").GetString());
        Assert.Equal("io-1/door", json.GetProperty("input").GetString());
        Assert.Equal("entrance", json.GetProperty("region").GetString());
    }

    [Fact]
    public void Fields_the_trigger_does_not_name_are_null_in_the_document()
    {
        var action = Action("t", null) with { CameraId = null, Input = null, Region = null };
        var json = JsonDocument.Parse(RuleFiringDocument.For(action)).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("cameraId").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("input").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("region").ValueKind);
    }

    [Fact]
    public void An_oversized_payload_is_refused_and_one_at_the_limit_accepted()
    {
        Assert.True(ActionMessage.For(Action("t", new string('a', MqttPayload.MaxBytes)), null).IsOk);
        var ascii = ActionMessage.For(Action("t", new string('a', MqttPayload.MaxBytes + 1)), null);
        Assert.Equal("too-large", ascii.Failure!.Code);
        Assert.Contains("over the limit of 262144", ascii.Failure.Message);
        var multibyte = ActionMessage.For(Action("t", new string('€', MqttPayload.MaxBytes / 3 + 1)), null);
        Assert.Equal("too-large", multibyte.Failure!.Code);
    }

    [Fact]
    public void A_payload_that_is_not_valid_UTF8_is_refused()
    {
        var result = ActionMessage.For(Action("t", "abc\udc00"), null);
        Assert.Equal("malformed", result.Failure!.Code);
        Assert.Contains("not valid UTF-8", result.Failure.Message);
    }

    [Fact]
    public void A_hostile_topic_is_refused_before_the_payload_is_built()
    {
        var result = ActionMessage.For(Action("site/#", "x"), null);
        Assert.Equal("malformed", result.Failure!.Code);
        Assert.Contains("wildcard", result.Failure.Message);
    }
}
