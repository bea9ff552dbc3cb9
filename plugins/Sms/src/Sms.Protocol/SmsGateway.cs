using System.Globalization;
using Appliance.Abstractions;

namespace Appliance.Plugins.Sms.Protocol;

/// <summary>
/// Where and as whom messages are sent: the gateway's HTTPS URL (Twilio's is
/// <c>https://api.twilio.com/2010-04-01/Accounts/{accountSid}/Messages.json</c>), the account (Basic auth user) and
/// its token, and the sender number or name.
/// </summary>
public sealed record SmsGateway(Uri Url, string Account, string Token, string From, TimeSpan Timeout)
{
    /// <summary>
    /// Builds the gateway from its settings: <paramref name="host"/>, <paramref name="port"/> and <paramref name="path"/>
    /// (<c>{accountSid}</c> in the path is replaced by the account). Failure code <c>config</c>.
    /// </summary>
    public static Result<SmsGateway> Create(string host, int port, string path, string account, string token, string from, TimeSpan timeout)
    {
        if (string.IsNullOrWhiteSpace(host)) return Result<SmsGateway>.Fail("config", "host: the SMS gateway's host is empty");
        if (string.IsNullOrWhiteSpace(account) || string.IsNullOrEmpty(token)) return Result<SmsGateway>.Fail("config", "accountSid and authToken are both required");
        if (!SmsNumber.IsSender(from)) return Result<SmsGateway>.Fail("config", $"from: '{from}' is neither an E.164 number nor an alphanumeric sender id (1-11 letters/digits)");
        if (!path.StartsWith('/')) return Result<SmsGateway>.Fail("config", "path: must start with /");
        var resolved = path.Replace("{accountSid}", Uri.EscapeDataString(account), StringComparison.Ordinal);
        var text = string.Create(CultureInfo.InvariantCulture, $"https://{host}:{port}{resolved}");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url)) return Result<SmsGateway>.Fail("config", $"'{text}' is not a URL");
        return new SmsGateway(url, account, token, from, timeout);
    }
}
