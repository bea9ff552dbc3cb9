using System.Net;
using System.Net.Sockets;
using Appliance.Testing;

namespace Appliance.NetCheck.Tests.Peers;

/// <summary>A TCP server that answers every connection with canned bytes (hostile RTSP/HTTP replies).</summary>
public sealed class HostileTcpServer : IAsyncDisposable
{
    private readonly LoopbackTcpServer _server;

    public HostileTcpServer(byte[] reply, bool closeAfterReply = true)
    {
        _server = new LoopbackTcpServer(async (client, ct) =>
        {
            var stream = client.GetStream();
            _ = await stream.ReadAsync(new byte[4096], ct);
            await stream.WriteAsync(reply, ct);
            if (!closeAfterReply)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
        });
    }

    public int Port => _server.Port;

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>A UDP server answering each datagram with whatever <c>reply</c> makes of it (hostile STUN/NTP replies).</summary>
public sealed class HostileUdpServer : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public HostileUdpServer(Func<byte[], byte[]> reply)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _serving = ServeAsync(reply);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    private async Task ServeAsync(Func<byte[], byte[]> reply)
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                await _socket.SendToAsync(reply(buffer[..received.ReceivedBytes]), SocketFlags.None, received.RemoteEndPoint, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _serving;
        _stop.Dispose();
    }
}
