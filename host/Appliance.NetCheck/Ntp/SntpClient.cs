using System.Net;
using System.Net.Sockets;
using Appliance.NetCheck.Net;

namespace Appliance.NetCheck.Ntp;

/// <summary>One SNTP measurement (RFC 5905 section 8): offset = ((T2-T1)+(T3-T4))/2, delay = (T4-T1)-(T3-T2).</summary>
public sealed record NtpMeasurement(TimeSpan Offset, TimeSpan RoundTripDelay, int Stratum, int LeapIndicator, IPEndPoint Server)
{
    public static NtpMeasurement Compute(DateTimeOffset t1, DateTimeOffset t2, DateTimeOffset t3, DateTimeOffset t4, int stratum, int leap, IPEndPoint server)
        => new(((t2 - t1) + (t3 - t4)) / 2, (t4 - t1) - (t3 - t2), stratum, leap, server);
}

/// <summary>
/// SNTPv4 client. The local clock comes from <see cref="TimeProvider"/> so a test can skew it. A query gives a
/// measurement, or a failure: <see cref="NoResponseCode"/> when the server was not reached at all (no answer, ICMP
/// port unreachable), <c>malformed</c> or <c>bogus</c> when only unusable packets came, <c>unusable</c> when the
/// server answered but must not be used (RFC 5905 sanity checks).
/// </summary>
public sealed class SntpClient(ISocketFactory sockets, TimeProvider clock)
{
    public const string NoResponseCode = "no-response";

    public async Task<Result<NtpMeasurement>> QueryAsync(IPEndPoint server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = sockets.Create(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        var t1 = clock.GetUtcNow();
        var transmit = NtpTimestamp.FromDateTimeOffset(t1);
        await socket.SendAsync(NtpPacket.ClientRequest(transmit).Encode(), SocketFlags.None, cancellationToken).ConfigureAwait(false);

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        var buffer = new byte[65536];
        Failure? lastError = null;
        while (true)
        {
            int length;
            try
            {
                length = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return lastError ?? new Failure(NoResponseCode, $"no NTP response from {server} within {timeout.TotalSeconds:0.#} s");
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                return new Failure(NoResponseCode, $"ICMP port unreachable from {server}: nothing listens on UDP {server.Port}");
            }

            var t4 = clock.GetUtcNow();
            var parsed = NtpPacket.Parse(buffer.AsSpan(0, length));
            if (!parsed.TryGetValue(out var reply, out var parseFailure))
            {
                lastError = new Failure("malformed", $"malformed NTP response from {server}: {parseFailure.Message}");
                continue;
            }

            if (reply.OriginTimestamp != transmit)
            {
                lastError = new Failure("bogus", $"NTP response from {server} does not echo our transmit timestamp (bogus or replayed packet)");
                continue;
            }

            var validated = Validate(reply);
            return validated.IsOk
                ? NtpMeasurement.Compute(t1, reply.ReceiveTimestamp.ToDateTimeOffset(),
                    reply.TransmitTimestamp.ToDateTimeOffset(), t4, reply.Stratum, reply.LeapIndicator, server)
                : new Failure("unusable", $"NTP server {server}: {validated.Failure!.Message}");
        }
    }

    /// <summary>The sanity checks of RFC 5905 section 8 / RFC 4330 section 5 that a client must apply: the reply, or <c>unusable</c> and why.</summary>
    internal static Result<NtpPacket> Validate(NtpPacket reply)
    {
        var error = reply switch
        {
            { Mode: not NtpMode.Server } => $"reply mode is {reply.Mode}, expected Server (4)",
            { Stratum: 0 } => $"Kiss-o'-Death '{reply.KissCode}': the server refuses to serve time",
            { Stratum: > 15 } => $"stratum {reply.Stratum} means unsynchronized",
            { LeapIndicator: 3 } => "leap indicator 3: the server's clock is not synchronized",
            { TransmitTimestamp.IsZero: true } => "transmit timestamp is zero",
            { ReceiveTimestamp.IsZero: true } => "receive timestamp is zero",
            _ => null,
        };
        return error is null ? reply : Result<NtpPacket>.Fail("unusable", error);
    }
}
