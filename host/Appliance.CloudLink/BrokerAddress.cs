using System.Globalization;
using Appliance.Abstractions;

namespace Appliance.CloudLink;

/// <summary>One broker of the fleet: a host name or address and a TCP port, e.g. <c>mqtt.example.com:8883</c>.</summary>
public sealed record BrokerAddress(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Reads <c>host:port</c> or <c>[v6]:port</c>; anything else is a <c>malformed</c> failure naming the text.</summary>
    public static Result<BrokerAddress> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new Failure("malformed", "a broker address must not be empty");
        if (text.Length > 260) return new Failure("malformed", "a broker address is at most 260 characters");
        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
                return new Failure("malformed", $"'{text}' is not [address]:port");
            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
                return new Failure("malformed", $"'{text}' is not host:port");
            host = text[..colon];
            port = text[(colon + 1)..];
        }
        if (host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '/'))
            return new Failure("malformed", $"'{text}' has a host with spaces, control characters or slashes");
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            return new Failure("malformed", $"'{text}' has no TCP port (1-65535)");
        return new BrokerAddress(host, number);
    }
}
