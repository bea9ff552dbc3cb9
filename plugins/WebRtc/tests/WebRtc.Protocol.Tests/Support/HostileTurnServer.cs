using System.Net;
using System.Net.Sockets;
using Appliance.Plugins.WebRtc.Protocol.Stun;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Support;

/// <summary>
/// A UDP "TURN server" on loopback that answers each request with what <c>answer</c> builds (null: silence): the
/// forged and broken responses coturn never sends (bad MESSAGE-INTEGRITY, missing attributes). Stopped on dispose.
/// </summary>
public sealed class HostileTurnServer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public HostileTurnServer(Func<StunMessage, IReadOnlyList<byte[]>> answer)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            while (!_stop.IsCancellationRequested)
            {
                SocketReceiveFromResult r;
                try
                {
                    r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                }
                catch (Exception)
                {
                    return;
                }
                var parsed = StunMessage.Parse(buffer.AsSpan(0, r.ReceivedBytes));
                if (!parsed.IsOk) continue;
                Interlocked.Increment(ref _requests);
                try
                {
                    foreach (var reply in answer(parsed.Value)) await _socket.SendToAsync(reply, SocketFlags.None, r.RemoteEndPoint);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return; // stopped, or the client is gone
                }
            }
        });
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public int Requests => Volatile.Read(ref _requests);

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
