using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Appliance.NetCheck.Stun;

/// <summary>
/// Retransmission schedule over UDP (RFC 5389 section 7.2.1): the first request waits <see cref="InitialRto"/>,
/// every retransmission doubles the wait, <see cref="MaxRequests"/> requests in all. RFC defaults (500 ms, 7)
/// take 39.5 s; a doctor wants an answer in a few seconds.
/// </summary>
public sealed record StunRetransmission(TimeSpan InitialRto, int MaxRequests)
{
    public static StunRetransmission Default { get; } = new(TimeSpan.FromMilliseconds(200), 4);

    public TimeSpan Total => InitialRto * ((1 << MaxRequests) - 1);
}

/// <summary>
/// Runs Binding transactions over a UDP socket the caller owns (so several tests can share one mapping). A transaction
/// gives the response, or a failure: <see cref="NoResponseCode"/> when nothing answered at all, <c>unreachable</c>
/// (ICMP port unreachable), <c>malformed</c> (only unreadable answers came) or <c>unusable</c> (the answer lacks what a
/// Binding response must carry).
/// </summary>
public sealed class StunClient(StunRetransmission retransmission)
{
    public const string NoResponseCode = "no-response";

    public async Task<Result<StunBindingResponse>> BindAsync(Socket socket, IPEndPoint server, ChangeRequestFlags change, CancellationToken cancellationToken)
    {
        var request = StunMessage.BindingRequest(change);
        var bytes = request.Encode();
        var buffer = new byte[65536];
        var rto = retransmission.InitialRto;
        string? lastError = null;
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; attempt < retransmission.MaxRequests; attempt++)
        {
            await socket.SendToAsync(bytes, SocketFlags.None, server, cancellationToken).ConfigureAwait(false);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(rto);
            while (true)
            {
                SocketReceiveFromResult received;
                try
                {
                    EndPoint any = new IPEndPoint(server.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
                    received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
                {
                    return new Failure("unreachable", $"ICMP port unreachable from {server}: nothing listens on UDP {server.Port}");
                }

                var from = (IPEndPoint)received.RemoteEndPoint;
                if (!StunMessage.Parse(buffer.AsSpan(0, received.ReceivedBytes)).TryGetValue(out var message, out var parseFailure))
                {
                    lastError = $"malformed STUN response from {from}: {parseFailure.Message}";
                    continue;
                }

                if (!message.TransactionId.AsSpan().SequenceEqual(request.TransactionId))
                {
                    continue;
                }

                var roundTrip = Stopwatch.GetElapsedTime(started);
                return StunBindingResponse.Read(message, from, roundTrip).TryGetValue(out var response, out var readFailure)
                    ? response
                    : new Failure("unusable", $"bad STUN response from {from}: {readFailure.Message}");
            }

            rto *= 2;
        }

        return lastError is null
            ? new Failure(NoResponseCode, $"no STUN response from {server} after {retransmission.MaxRequests} requests over {retransmission.Total.TotalSeconds:0.#} s")
            : new Failure("malformed", lastError);
    }
}
