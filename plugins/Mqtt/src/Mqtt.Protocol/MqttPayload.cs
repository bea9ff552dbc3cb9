using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.Mqtt.Protocol;

/// <summary>
/// The body of a published action: the action's <c>payload</c> parameter as UTF-8 when it is set, else the
/// <see cref="RuleFiringDocument"/>. Bounded to <see cref="MaxBytes"/> (far below MQTT's 256 MB), so one action never
/// holds a large buffer or blocks the connection.
/// </summary>
public static class MqttPayload
{
    public const int MaxBytes = 256 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Result<byte[]> For(IReadOnlyDictionary<string, string> parameters, Func<byte[]> firingDocument)
    {
        if (!parameters.TryGetValue("payload", out var text) || string.IsNullOrEmpty(text)) return Check(firingDocument());
        if (text.Length > MaxBytes) return TooLarge(text.Length);
        try
        {
            return Check(StrictUtf8.GetBytes(text));
        }
        catch (EncoderFallbackException)
        {
            return Result<byte[]>.Fail("malformed", "the MQTT payload is not valid UTF-8 (an unpaired surrogate)");
        }
    }

    public static Result<byte[]> Check(byte[] payload) => payload.Length > MaxBytes ? TooLarge(payload.Length) : payload;

    private static Result<byte[]> TooLarge(int size) =>
        Result<byte[]>.Fail("too-large", $"the MQTT payload is at least {size} bytes, over the limit of {MaxBytes}");
}
