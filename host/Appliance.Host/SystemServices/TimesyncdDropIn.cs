using Appliance.Abstractions;

namespace Appliance.Host.SystemServices;

/// <summary>
/// The systemd-timesyncd drop-in the appliance writes from <c>network.ntpServers</c>:
/// <c>[Time]</c> and one <c>NTP=</c> line. A server is a host name or address; anything that could add another
/// line or setting (spaces, '=', '#', control characters) is refused.
/// </summary>
public static class TimesyncdDropIn
{
    public const int MaxServers = 16;

    public static Result<string> Render(IReadOnlyList<string> servers)
    {
        if (servers.Count == 0) return Result<string>.Fail("invalid", "no NTP server is configured (network.ntpServers)");
        if (servers.Count > MaxServers) return Result<string>.Fail("invalid", $"at most {MaxServers} NTP servers");
        var bad = servers.Where(s => !IsServer(s)).ToList();
        if (bad.Count > 0)
            return Result<string>.Fail("invalid", "not an NTP server name or address: " + string.Join(", ", bad.Select(b => $"'{b}'")));
        return "# Written by the appliance from network.ntpServers; changes here are overwritten.\n[Time]\nNTP=" + string.Join(' ', servers) + "\n";
    }

    /// <summary>A host name (letters, digits, '-', '.') or an IPv4/IPv6 address, at most 253 characters.</summary>
    public static bool IsServer(string server) =>
        server.Length is > 0 and <= 253 && server.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or ':' or '_')
        && !server.StartsWith('-') && !server.StartsWith('.');
}
