using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Appliance.NetCheck.Net;
using DnsClient;

namespace Appliance.NetCheck.Checks;

/// <summary>A cloud endpoint the appliance must reach over TLS (HTTPS 443, MQTT over TLS 8883).</summary>
public sealed record CloudEndpoint(string Host, int Port, string Purpose);

/// <summary>TCP connect, then a TLS handshake with the server certificate validated against <see cref="TlsTrust"/>.</summary>
public sealed class TlsEndpointCheck(CloudEndpoint endpoint, TcpConnector connector, TlsTrust trust, TimeProvider clock) : INetworkCheck
{
    /// <summary>A certificate expiring sooner than this gives a warning.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(14);

    public string Name => CheckNames.Tls;

    public string Target => $"{endpoint.Host}:{endpoint.Port}";

    public string TimeoutRemediation => $"Allow outbound TCP {endpoint.Port} to {endpoint.Host} ({endpoint.Purpose}).";

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Socket socket;
        try
        {
            socket = await connector.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or DnsResponseException)
        {
            return Failure(started, ConnectFailure(ex), ex is SocketException { SocketErrorCode: SocketError.HostNotFound } or DnsResponseException
                ? $"Make {endpoint.Host} resolvable (DNS, UDP/TCP 53), then allow outbound TCP {endpoint.Port} to it."
                : TimeoutRemediation);
        }

        var problems = new List<string>();
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            await tls.AuthenticateAsClientAsync(trust.ClientOptions(endpoint.Host, problems), cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException ex)
        {
            var reason = problems.Count > 0 ? string.Join("; ", problems.Distinct()) : ex.Message;
            return Failure(started, $"TLS handshake with {Target} failed: {reason}",
                $"The certificate on TCP {endpoint.Port} from {endpoint.Host} is not trusted: if a firewall or proxy inspects TLS, exempt {endpoint.Host} from inspection; check the appliance clock (NTP, UDP 123).");
        }
        catch (IOException ex)
        {
            return Failure(started, $"TLS handshake with {Target} broke off: {ex.Message}",
                $"Something on TCP {endpoint.Port} at {endpoint.Host} accepts connections but does not complete TLS: allow TLS on TCP {endpoint.Port} through the firewall or proxy unmodified.");
        }

        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        using var certificate = tls.RemoteCertificate is null ? null : new X509Certificate2(tls.RemoteCertificate);
        var detail = $"{tls.SslProtocol}, {tls.NegotiatedCipherSuite}, certificate {certificate?.Subject} valid until {certificate?.NotAfter.ToUniversalTime():yyyy-MM-dd}";
        if (certificate is not null && certificate.NotAfter.ToUniversalTime() - clock.GetUtcNow().UtcDateTime < ExpiryWarning)
        {
            return new CheckResult(Name, Target, CheckStatus.Warn, latency, $"{detail}: expires within {ExpiryWarning.TotalDays:0} days",
                $"Renew the certificate served on TCP {endpoint.Port} by {endpoint.Host}.");
        }

        return new CheckResult(Name, Target, CheckStatus.Pass, latency, detail, null);
    }

    private string ConnectFailure(Exception ex) => ex switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => $"TCP {endpoint.Port} refused by {endpoint.Host} (nothing listens, or a firewall rejects)",
        SocketException { SocketErrorCode: SocketError.HostNotFound } => $"{endpoint.Host} does not resolve",
        SocketException s => $"TCP connect to {Target} failed: {s.SocketErrorCode}",
        _ => $"resolving {endpoint.Host} failed: {ex.Message}",
    };

    private CheckResult Failure(long started, string detail, string remediation)
        => new(Name, Target, CheckStatus.Fail, Stopwatch.GetElapsedTime(started).TotalMilliseconds, detail, remediation);
}
