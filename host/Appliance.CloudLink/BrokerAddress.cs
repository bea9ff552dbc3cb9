using System.Globalization;
using Appliance.Abstractions;

namespace Appliance.CloudLink;

/// <summary>
/// One broker of the fleet: a host name or address and a TCP port, e.g. <c>mqtt.example.com:8883</c> (MQTT over TLS),
/// or MQTT over secure WebSockets, e.g. <c>wss://mqtt.example.com/mqtt</c> (port 443 unless given), the way through a
/// site that allows only HTTPS, through its HTTP CONNECT proxy.
/// </summary>
public sealed record BrokerAddress(string Host, int Port, string? WebSocketPath = null)
{
    public bool IsWebSocket => WebSocketPath is not null;

    private string HostText => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    public override string ToString() => IsWebSocket ? $"wss://{HostText}:{Port}{WebSocketPath}" : $"{HostText}:{Port}";

    /// <summary>Reads <c>host:port</c>, <c>[v6]:port</c> or <c>wss://host[:port]/path</c>; anything else is a
    /// <c>malformed</c> failure naming the text.</summary>
    public static Result<BrokerAddress> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new Failure("malformed", "a broker address must not be empty");
        if (text.Length > 260) return new Failure("malformed", "a broker address is at most 260 characters");
        if (text.Contains("://", StringComparison.Ordinal)) return ParseWebSocket(text);
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

    private static Result<BrokerAddress> ParseWebSocket(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            return new Failure("malformed", $"'{text}' is not a URL");
        if (uri.Scheme != "wss")
            return new Failure("malformed", $"'{text}': only wss:// (MQTT over TLS WebSockets) is allowed besides host:port");
        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
            return new Failure("malformed", $"'{text}' must not carry credentials or a fragment");
        var path = uri.PathAndQuery;
        if (path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            return new Failure("malformed", $"'{text}' has spaces or control characters in its path");
        return new BrokerAddress(uri.IdnHost.Trim('[', ']'), uri.IsDefaultPort ? 443 : uri.Port, path);
    }
}
