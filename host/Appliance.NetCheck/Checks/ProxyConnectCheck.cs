using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Appliance.NetCheck.Http;
using Appliance.NetCheck.Net;
using DnsClient;

namespace Appliance.NetCheck.Checks;

/// <summary>
/// The HTTP/1.1 proxy path: CONNECT to a cloud endpoint through the configured proxy, then a validated TLS handshake
/// through the tunnel (a TLS-inspecting proxy shows up as an untrusted certificate).
/// </summary>
public sealed class ProxyConnectCheck(HostPort proxy, CloudEndpoint target, TcpConnector connector, TlsTrust trust) : INetworkCheck
{
    public string Name => CheckNames.ProxyConnect;

    public string Target => $"{proxy} -> {target.Host}:{target.Port}";

    public string TimeoutRemediation => $"Allow the appliance to reach the proxy {proxy.Host} on TCP {proxy.Port}, and the proxy to reach {target.Host} on TCP {target.Port}.";

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Socket socket;
        try
        {
            socket = await connector.ConnectAsync(proxy.Host, proxy.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or DnsResponseException)
        {
            return Result(started, CheckStatus.Fail, $"cannot reach the proxy {proxy}: {ex.Message}",
                $"Allow outbound TCP {proxy.Port} from the appliance to the proxy {proxy.Host}.");
        }

        await using var stream = new NetworkStream(socket, ownsSocket: true);
        Result<ResponseHead> opened;
        try
        {
            opened = await HttpConnectTunnel.OpenAsync(stream, target.Host, target.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            opened = new Failure("transport", $"the connection to the proxy broke: {ex.Message}");
        }

        if (!opened.TryGetValue(out var head, out var failure))
        {
            return Result(started, CheckStatus.Fail, failure.Message, $"Use an HTTP/1.1 compliant proxy on TCP {proxy.Port} that supports CONNECT.");
        }

        if (head.StatusCode is < 200 or > 299)
        {
            return Result(started, CheckStatus.Fail, $"proxy refused CONNECT to {target.Host}:{target.Port}: {head.StatusCode} {head.Reason}", head.StatusCode switch
            {
                407 => $"Exempt the appliance from proxy authentication on {proxy} (TCP {proxy.Port}): the cloud link needs a proxy without authentication.",
                403 or 405 => $"Allow CONNECT to TCP {target.Port} for {target.Host} on the proxy {proxy}.",
                _ => $"Let the proxy {proxy} reach {target.Host} on TCP {target.Port}.",
            });
        }

        var problems = new List<string>();
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: true);
        try
        {
            await tls.AuthenticateAsClientAsync(trust.ClientOptions(target.Host, problems), cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException ex)
        {
            return Result(started, CheckStatus.Fail,
                $"tunnel open but TLS to {target.Host} failed: {(problems.Count > 0 ? string.Join("; ", problems.Distinct()) : ex.Message)}",
                $"The proxy {proxy} appears to inspect TLS: exempt {target.Host} (TCP {target.Port}) from TLS inspection.");
        }
        catch (IOException ex)
        {
            return Result(started, CheckStatus.Fail, $"tunnel open but TLS to {target.Host} broke off: {ex.Message}",
                $"Let the proxy {proxy} pass TLS to {target.Host} on TCP {target.Port} unmodified.");
        }

        return Result(started, CheckStatus.Pass, $"CONNECT {head.StatusCode} {head.Reason}; {tls.SslProtocol} to {target.Host} through the tunnel", null);
    }

    private CheckResult Result(long started, CheckStatus status, string detail, string? remediation)
        => new(Name, Target, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, detail, remediation);
}
