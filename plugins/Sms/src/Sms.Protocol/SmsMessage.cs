using Appliance.Abstractions;

namespace Appliance.Plugins.Sms.Protocol;

/// <summary>One text to one number.</summary>
public sealed record SmsMessage(string To, string Body)
{
    /// <summary>Twilio's limit for one message body (it is split into segments on the way); longer texts are cut.</summary>
    public const int MaxBodyChars = 1600;

    /// <summary>
    /// A message to <paramref name="to"/> (E.164), the body cut to <see cref="MaxBodyChars"/> with an ellipsis and
    /// control characters other than line breaks removed. Failure code <c>malformed</c>.
    /// </summary>
    public static Result<SmsMessage> Create(string to, string body)
    {
        if (!SmsNumber.IsE164(to)) return Result<SmsMessage>.Fail("malformed", $"to: '{to}' is not an E.164 number (+ and 7 to 15 digits)");
        var clean = new string(body.Where(c => c == '\n' || !char.IsControl(c)).ToArray()).Trim();
        if (clean.Length == 0) return Result<SmsMessage>.Fail("malformed", "the message body is empty");
        if (clean.Length > MaxBodyChars) clean = string.Concat(clean.AsSpan(0, MaxBodyChars - 1), "…");
        return new SmsMessage(to, clean);
    }
}
