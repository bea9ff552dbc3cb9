using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.Mqtt.Protocol;

/// <summary>
/// The topic name of a PUBLISH (MQTT 5.0 §4.7, 3.1.1 §4.7): at least one character, UTF-8 encoded in at most 65535
/// bytes, no NUL, and no wildcard (<c>+</c>, <c>#</c>): those belong to subscriptions only. Empty levels
/// (<c>a//b</c>, a leading or trailing <c>/</c>) are valid topic names and are kept as they are.
/// </summary>
public static class MqttTopic
{
    public const int MaxBytes = 65535;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The topic a rule action publishes to: <paramref name="prefix"/> (may be empty) joined to the action's topic
    /// with one <c>/</c> unless the prefix already ends with one; then validated as a whole.
    /// </summary>
    public static Result<string> Compose(string? prefix, string? topic)
    {
        if (string.IsNullOrEmpty(topic)) return Result<string>.Fail("malformed", "the action has no MQTT topic");
        var full = string.IsNullOrEmpty(prefix) ? topic : prefix.EndsWith('/') ? prefix + topic : $"{prefix}/{topic}";
        return Validate(full);
    }

    public static Result<string> Validate(string? topic)
    {
        if (string.IsNullOrEmpty(topic)) return Result<string>.Fail("malformed", "the MQTT topic is empty");
        if (topic.Contains('+') || topic.Contains('#'))
            return Result<string>.Fail("malformed", $"the MQTT topic {Quote(topic)} contains a wildcard (+ or #), which only subscriptions may use");
        if (topic.Contains('\0')) return Result<string>.Fail("malformed", $"the MQTT topic {Quote(topic)} contains a NUL character");
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(topic);
        }
        catch (EncoderFallbackException)
        {
            return Result<string>.Fail("malformed", $"the MQTT topic {Quote(topic)} is not valid UTF-8 (an unpaired surrogate)");
        }
        if (bytes > MaxBytes) return Result<string>.Fail("too-large", $"the MQTT topic is {bytes} bytes in UTF-8, over the limit of {MaxBytes}");
        return topic;
    }

    /// <summary>A topic for an error message: at most 80 characters, control and unpaired characters escaped.</summary>
    private static string Quote(string topic)
    {
        var shown = topic.Length > 80 ? topic[..80] + "…" : topic;
        var builder = new StringBuilder("\"");
        foreach (var c in shown)
            builder.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return builder.Append('"').ToString();
    }
}
