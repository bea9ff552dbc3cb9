using System.Diagnostics;
using System.Net.Sockets;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Rtsp;
using DnsClient;

namespace Appliance.NetCheck.Checks;

/// <summary>A camera's RTSP reachability: TCP connect to its RTSP port and an OPTIONS request.</summary>
public sealed class RtspOptionsCheck(CameraTarget camera, Uri rtsp, TcpConnector connector) : INetworkCheck
{
    private int Port => rtsp.IsDefaultPort || rtsp.Port < 0 ? RtspOptions.DefaultPort : rtsp.Port;

    public string Name => CheckNames.Rtsp;

    public string Target => $"{camera.Name} {RtspOptions.RequestUri(rtsp)}";

    public string TimeoutRemediation =>
        $"Allow TCP {Port} (RTSP) from the appliance to camera {camera.Name} at {rtsp.Host} on the camera network.";

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Socket socket;
        try
        {
            socket = await connector.ConnectAsync(rtsp.Host, Port, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or DnsResponseException)
        {
            var refused = ex is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
            return Result(started, CheckStatus.Fail,
                refused ? $"TCP {Port} refused by {rtsp.Host}: no RTSP server listens (or a firewall rejects)" : $"cannot connect to {rtsp.Host}:{Port}: {ex.Message}",
                refused ? $"Enable RTSP on camera {camera.Name} (TCP {Port}) or correct the port in its URI." : TimeoutRemediation);
        }

        await using var stream = new NetworkStream(socket, ownsSocket: true);
        const int cseq = 1;
        Result<byte[]> head;
        try
        {
            await stream.WriteAsync(RtspOptions.Request(rtsp, cseq), cancellationToken).ConfigureAwait(false);
            head = await ResponseHead.ReadHeadAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            head = new Failure("transport", $"the connection broke: {ex.Message}");
        }

        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!head.Bind(bytes => RtspOptions.ReadReply(bytes, cseq)).TryGetValue(out var reply, out var failure))
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, latency,
                $"TCP {Port} answers but not as an RTSP server: {failure.Message}",
                $"Check that TCP {Port} on {rtsp.Host} is the camera's RTSP port (the URI of camera {camera.Name}).");
        }

        var methods = reply.Header("Public");
        return reply.StatusCode switch
        {
            200 => new CheckResult(Name, Target, CheckStatus.Pass, latency,
                $"RTSP/1.0 200 {reply.Reason}{(methods is null ? string.Empty : $"; methods {methods}")}", null),
            401 => new CheckResult(Name, Target, CheckStatus.Warn, latency,
                "RTSP server reachable but asks for credentials even for OPTIONS (401)",
                $"Configure credentials for camera {camera.Name}; TCP {Port} itself is reachable."),
            _ => new CheckResult(Name, Target, CheckStatus.Fail, latency,
                $"RTSP server answered OPTIONS with {reply.StatusCode} {reply.Reason}",
                $"Check the RTSP URI of camera {camera.Name} (TCP {Port}); the server rejects it."),
        };
    }

    private CheckResult Result(long started, CheckStatus status, string detail, string? remediation)
        => new(Name, Target, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, detail, remediation);
}
