using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using Appliance.Abstractions;

namespace Appliance.Plugins.WebRtc.Protocol.Turn;

/// <summary>
/// The client-to-server leg of a TURN allocation: one UDP socket connected to the server, or one TCP (or TLS)
/// connection carrying STUN messages and ChannelData framed by their own length fields (RFC 8656 section 11.5).
/// Frames go out with <see cref="Send"/> (thread-safe) and come back through the callback given to
/// <see cref="RunAsync"/>, which ends when the connection does.
/// </summary>
internal abstract class TurnChannel : IDisposable
{
    /// <summary>Largest frame accepted from the server (a STUN message or ChannelData): 4 KiB.</summary>
    public const int MaxFrame = 4096;

    /// <summary>True for TCP and TLS: no retransmissions, one long wait (RFC 8489 section 6.2.2).</summary>
    public abstract bool Reliable { get; }

    /// <summary>Sends one frame; false when the connection is gone.</summary>
    public abstract bool Send(ReadOnlySpan<byte> frame);

    /// <summary>Reads frames until the connection ends or <paramref name="cancellationToken"/> fires; the reason it ended.</summary>
    public abstract Task<string> RunAsync(Action<byte[]> onFrame, CancellationToken cancellationToken);

    public abstract void Dispose();

    public static async Task<Result<TurnChannel>> OpenAsync(IceServer server, IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (server.Transport == TurnTransport.Udp)
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Connect(endPoint);
                return new UdpTurnChannel(socket);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                return Result<TurnChannel>.Fail("transport", $"{server}: {ex.Message}");
            }
        }
        var client = new TcpClient(endPoint.AddressFamily) { NoDelay = true };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(endPoint, limit.Token);
            Stream stream = client.GetStream();
            if (server.Transport == TurnTransport.Tls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, _, errors) =>
                    server.CertificateSha256 is { } pin
                        ? certificate is not null && Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())).Equals(pin.Replace(":", ""), StringComparison.OrdinalIgnoreCase)
                        : errors == SslPolicyErrors.None);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = server.Host }, limit.Token);
            }
            return new StreamTurnChannel(client, stream);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            client.Dispose();
            var why = ex is OperationCanceledException ? $"no connection within {timeout.TotalSeconds:0.#} s" : ex.Message;
            return Result<TurnChannel>.Fail(ex is System.Security.Authentication.AuthenticationException ? "tls" : "transport", $"{server}: {why}");
        }
    }
}

internal sealed class UdpTurnChannel(Socket socket) : TurnChannel
{
    public override bool Reliable => false;

    public override bool Send(ReadOnlySpan<byte> frame)
    {
        try
        {
            socket.Send(frame);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    public override async Task<string> RunAsync(Action<byte[]> onFrame, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFrame];
        while (!cancellationToken.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return "stopped";
            }
            catch (ObjectDisposedException)
            {
                return "closed";
            }
            catch (SocketException)
            {
                continue; // ICMP unreachable from an earlier send: the server may come back
            }
            onFrame(buffer.AsSpan(0, n).ToArray());
        }
        return "stopped";
    }

    public override void Dispose() => socket.Dispose();
}

internal sealed class StreamTurnChannel(TcpClient client, Stream stream) : TurnChannel
{
    private readonly object _writeGate = new();

    public override bool Reliable => true;

    public override bool Send(ReadOnlySpan<byte> frame)
    {
        try
        {
            lock (_writeGate)
            {
                stream.Write(frame);
                // RFC 8656 11.5: over a stream, ChannelData is padded to a multiple of 4 (STUN messages already are).
                var pad = (4 - frame.Length % 4) % 4;
                if (pad > 0) stream.Write(stackalloc byte[pad]);
                stream.Flush();
            }
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
    }

    public override async Task<string> RunAsync(Action<byte[]> onFrame, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await stream.ReadExactlyAsync(header, cancellationToken);
                var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2));
                int total;
                if ((header[0] & 0xC0) == 0) total = 20 + length; // STUN: 20-byte header plus attributes
                else if (header[0] is >= 0x40 and <= 0x4F) total = 4 + ((length + 3) & ~3); // ChannelData, padded
                else return $"the server sent a frame starting 0x{header[0]:x2}, neither STUN nor ChannelData";
                if (total > MaxFrame) return $"the server sent a {total}-byte frame, limit {MaxFrame}";
                var frame = new byte[total];
                header.CopyTo(frame, 0);
                await stream.ReadExactlyAsync(frame.AsMemory(4), cancellationToken);
                onFrame(frame);
            }
            return "stopped";
        }
        catch (OperationCanceledException)
        {
            return "stopped";
        }
        catch (EndOfStreamException)
        {
            return "the server closed the connection";
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return $"connection lost: {ex.Message}";
        }
    }

    public override void Dispose()
    {
        stream.Dispose();
        client.Dispose();
    }
}
