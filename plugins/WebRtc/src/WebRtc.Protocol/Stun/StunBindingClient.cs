using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;

namespace Appliance.Plugins.WebRtc.Protocol.Stun;

/// <summary>
/// Asks a STUN server (RFC 8489 Binding) which address a UDP socket is seen from: the server-reflexive candidate.
/// Runs before the socket's own receive loop starts; datagrams that are not the answer (another source, another
/// transaction, not STUN) are ignored. Retransmits at 250 ms doubling until <c>timeout</c>.
/// </summary>
public static class StunBindingClient
{
    public static async Task<Result<IPEndPoint>> MappedAddressAsync(Socket socket, IPEndPoint server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tid = StunMessageBuilder.NewTransactionId();
        var request = new StunMessageBuilder(StunMessageType.BindingRequest, tid).Build();
        var buffer = new byte[StunMessage.MaxLength];
        var rto = TimeSpan.FromMilliseconds(250);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ignored = 0;
        while (clock.Elapsed < timeout)
        {
            try
            {
                await socket.SendToAsync(request, SocketFlags.None, server, cancellationToken);
            }
            catch (SocketException ex)
            {
                return Result<IPEndPoint>.Fail("transport", $"stun:{server}: {ex.Message}");
            }
            var wait = rto < timeout - clock.Elapsed ? rto : timeout - clock.Elapsed;
            rto *= 2;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(wait);
            try
            {
                while (true)
                {
                    var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(server.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0), limit.Token);
                    var from = (IPEndPoint)received.RemoteEndPoint;
                    var parsed = StunMessage.Parse(buffer.AsSpan(0, received.ReceivedBytes));
                    if (!SameEndPoint(from, server) || !parsed.TryGetValue(out var message, out _) || !message.TransactionId.SequenceEqual(tid))
                    {
                        ignored++;
                        continue;
                    }
                    if (message.Type == StunMessageType.BindingError)
                        return Result<IPEndPoint>.Fail("refused", $"stun:{server}: {message.Error?.Code} {message.Error?.Reason}");
                    if (message.Type != StunMessageType.BindingSuccess) { ignored++; continue; }
                    return message.XorMappedAddress is { } mapped
                        ? mapped
                        : Result<IPEndPoint>.Fail("malformed", $"stun:{server}: Binding success without a valid XOR-MAPPED-ADDRESS");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            catch (SocketException)
            {
                // ICMP port unreachable: retry until the deadline
            }
        }
        return Result<IPEndPoint>.Fail("timeout", $"stun:{server}: no Binding answer in {timeout.TotalSeconds:0.#} s{(ignored > 0 ? $" ({ignored} other datagrams ignored)" : "")}");
    }

    private static bool SameEndPoint(IPEndPoint a, IPEndPoint b) =>
        a.Port == b.Port && (a.Address.IsIPv4MappedToIPv6 ? a.Address.MapToIPv4() : a.Address).Equals(b.Address.IsIPv4MappedToIPv6 ? b.Address.MapToIPv4() : b.Address);
}
