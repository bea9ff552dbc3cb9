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

/// <summary>The result of one Binding transaction: a response, or why there is none.</summary>
public sealed record StunTransactionOutcome(StunBindingResponse? Response, string? Error, bool NoResponse)
{
    public bool Succeeded => Response is not null;
}

/// <summary>Runs Binding transactions over a UDP socket the caller owns (so several tests can share one mapping).</summary>
public sealed class StunClient(StunRetransmission retransmission)
{
    public async Task<StunTransactionOutcome> BindAsync(Socket socket, IPEndPoint server, ChangeRequestFlags change, CancellationToken cancellationToken)
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
                    return new StunTransactionOutcome(null, $"ICMP port unreachable from {server}: nothing listens on UDP {server.Port}", false);
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
                    ? new StunTransactionOutcome(response, null, false)
                    : new StunTransactionOutcome(null, $"bad STUN response from {from}: {readFailure.Message}", false);
            }

            rto *= 2;
        }

        return new StunTransactionOutcome(null,
            lastError ?? $"no STUN response from {server} after {retransmission.MaxRequests} requests over {retransmission.Total.TotalSeconds:0.#} s",
            lastError is null);
    }
}
