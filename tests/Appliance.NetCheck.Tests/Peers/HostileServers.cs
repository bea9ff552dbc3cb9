using System.Net;
using System.Net.Sockets;

namespace Appliance.NetCheck.Tests.Peers;

/// <summary>A TCP server that answers every connection with canned bytes (hostile RTSP/HTTP replies).</summary>
public sealed class HostileTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public HostileTcpServer(byte[] reply, bool closeAfterReply = true)
    {
        _listener.Start();
        _accepting = AcceptAsync(reply, closeAfterReply);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync(byte[] reply, bool close)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        _ = await stream.ReadAsync(new byte[4096], _stop.Token);
                        await stream.WriteAsync(reply, _stop.Token);
                        if (!close)
                        {
                            await Task.Delay(Timeout.Infinite, _stop.Token);
                        }
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
                    {
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
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
