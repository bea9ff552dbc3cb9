using System.Net.Sockets;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Ntp;
using DnsClient;

namespace Appliance.NetCheck.Checks;

/// <summary>SNTP query (UDP 123) with clock offset; warns when the offset exceeds the threshold.</summary>
public sealed class NtpOffsetCheck(HostPort server, INameResolver resolver, ISocketFactory sockets, TimeProvider clock,
    TimeSpan warnOffset, TimeSpan responseTimeout) : INetworkCheck
{
    public string Name => CheckNames.Ntp;

    public string Target => server.ToString();

    public string TimeoutRemediation =>
        $"Allow outbound UDP {server.Port} (NTP) to {server.Host}; without time sync, TLS validation and recording timestamps drift.";

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        System.Net.IPEndPoint endPoint;
        try
        {
            var addresses = await resolver.ResolveAsync(server.Host, cancellationToken).ConfigureAwait(false);
            endPoint = new System.Net.IPEndPoint(addresses[0], server.Port);
        }
        catch (Exception ex) when (ex is SocketException or DnsResponseException)
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, null, $"{server.Host} does not resolve: {ex.Message}",
                $"Make {server.Host} resolvable (DNS, UDP/TCP 53) and allow outbound UDP {server.Port} to it.");
        }

        Result<NtpMeasurement> outcome;
        try
        {
            outcome = await new SntpClient(sockets, clock).QueryAsync(endPoint, responseTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            outcome = new Failure(SntpClient.NoResponseCode, $"UDP to {endPoint} failed: {ex.SocketErrorCode}");
        }
        if (!outcome.TryGetValue(out var m, out var failure))
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, null, failure.Message,
                failure.Code == SntpClient.NoResponseCode ? TimeoutRemediation : $"Point the appliance at a working NTP server on UDP {server.Port}: {server.Host} answers but cannot be used.");
        }

        var detail = $"offset {m.Offset.TotalMilliseconds:+0.0;-0.0;0} ms, delay {m.RoundTripDelay.TotalMilliseconds:0.0} ms, stratum {m.Stratum}";
        if (m.Offset.Duration() > warnOffset)
        {
            return new CheckResult(Name, Target, CheckStatus.Warn, m.RoundTripDelay.TotalMilliseconds,
                $"{detail}: the clock is off by more than {warnOffset.TotalMilliseconds:0} ms",
                $"Let the appliance synchronise its clock from {server.Host} over UDP {server.Port} (enable NTP); a skewed clock breaks TLS and ONVIF authentication.");
        }

        return new CheckResult(Name, Target, CheckStatus.Pass, m.RoundTripDelay.TotalMilliseconds, detail, null);
    }
}
