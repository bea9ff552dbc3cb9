using System.Diagnostics;
using System.Net.Sockets;
using Appliance.NetCheck.Net;
using DnsClient;

namespace Appliance.NetCheck.Checks;

/// <summary>A peer the appliance connects to over plain TCP, e.g. a VMS server configured for a plugin (targetsKey).</summary>
public sealed record TcpTarget(string Host, int Port, string Purpose);

/// <summary>
/// Resolves the target and completes a TCP connect: pass with the connect time, or fail naming what went wrong
/// (refused, no route, does not resolve). Says nothing about the protocol spoken on it.
/// </summary>
public sealed class TcpTargetCheck(TcpTarget target, TcpConnector connector) : INetworkCheck
{
    public string Name => CheckNames.TcpTarget;

    public string Target => $"{target.Host}:{target.Port}";

    public string TimeoutRemediation => $"Allow outbound TCP {target.Port} to {target.Host} ({target.Purpose}).";

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var socket = await connector.ConnectAsync(target.Host, target.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or DnsResponseException)
        {
            var unresolved = ex is SocketException { SocketErrorCode: SocketError.HostNotFound } or DnsResponseException;
            return new CheckResult(Name, Target, CheckStatus.Fail, Elapsed(started), Failure(ex),
                unresolved ? $"Make {target.Host} resolvable (DNS, UDP/TCP 53), then allow outbound TCP {target.Port} to it." : TimeoutRemediation);
        }

        return new CheckResult(Name, Target, CheckStatus.Pass, Elapsed(started), $"TCP connect to {Target} ({target.Purpose})", null);
    }

    private static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private string Failure(Exception ex) => ex switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => $"TCP {target.Port} refused by {target.Host} (nothing listens, or a firewall rejects)",
        SocketException { SocketErrorCode: SocketError.HostNotFound } => $"{target.Host} does not resolve",
        SocketException s => $"TCP connect to {Target} failed: {s.SocketErrorCode}",
        _ => $"resolving {target.Host} failed: {ex.Message}",
    };
}
