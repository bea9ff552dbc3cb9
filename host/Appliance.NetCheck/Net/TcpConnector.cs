using System.Net;
using System.Net.Sockets;

namespace Appliance.NetCheck.Net;

/// <summary>Resolves a host and connects over TCP to the first address that accepts, through the socket factory.</summary>
public sealed class TcpConnector(ISocketFactory sockets, INameResolver resolver)
{
    public INameResolver Resolver => resolver;

    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = await resolver.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = sockets.Create(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.NoDelay = true;
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }
}
