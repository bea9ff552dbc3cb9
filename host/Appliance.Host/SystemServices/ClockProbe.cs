using System.Net;
using System.Net.Sockets;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Ntp;

namespace Appliance.Host.SystemServices;

/// <summary>The clock's offset from an NTP server, measured by the network doctor's SNTP client; or why there is none.</summary>
public sealed record ClockOffset(string Server, double? OffsetSeconds, string? Error);

/// <summary>Asks one NTP server directly (SNTP, UDP 123, or <c>host:port</c>) how far the local clock is off.</summary>
public sealed class ClockProbe(TimeProvider time)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<ClockOffset> MeasureAsync(string server, CancellationToken ct)
    {
        var (host, port) = Split(server);
        try
        {
            var addresses = await new SystemResolver().ResolveAsync(host, ct);
            var outcome = await new SntpClient(new DefaultSocketFactory(), time).QueryAsync(new IPEndPoint(addresses[0], port), Timeout, ct);
            return outcome.TryGetValue(out var m, out var failure)
                ? new ClockOffset(server, m.Offset.TotalSeconds, null)
                : new ClockOffset(server, null, failure.Message);
        }
        catch (SocketException ex)
        {
            return new ClockOffset(server, null, $"{host}: {ex.Message}");
        }
    }

    private static (string Host, int Port) Split(string server)
    {
        var colon = server.LastIndexOf(':');
        return colon > 0 && server.IndexOf(':') == colon && int.TryParse(server[(colon + 1)..], out var port) && port is > 0 and < 65536
            ? (server[..colon], port)
            : (server.Trim('[', ']'), 123);
    }
}
