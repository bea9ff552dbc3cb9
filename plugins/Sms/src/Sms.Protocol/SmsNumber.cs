using System.Text.RegularExpressions;

namespace Appliance.Plugins.Sms.Protocol;

/// <summary>Phone numbers as SMS gateways take them: E.164 (<c>+</c>, country code, at most 15 digits).</summary>
public static partial class SmsNumber
{
    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"^[A-Za-z0-9 ]{1,11}$")]
    private static partial Regex AlphanumericSender();

    public static bool IsE164(string? number) => number is not null && E164().IsMatch(number);

    /// <summary>A sender is a number or an alphanumeric sender id (at most 11 characters, at least one letter).</summary>
    public static bool IsSender(string? from) =>
        IsE164(from) || (from is not null && AlphanumericSender().IsMatch(from) && from.Any(char.IsAsciiLetter));
}
