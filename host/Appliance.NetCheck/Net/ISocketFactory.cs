using System.Net.Sockets;

namespace Appliance.NetCheck.Net;

/// <summary>
/// Where the doctor's sockets come from. The default makes ordinary sockets; a caller can bind them to an
/// interface, or (tests) create them inside another network namespace. A socket belongs to the namespace it
/// was created in, so every probe made through the factory runs "from there".
/// </summary>
public interface ISocketFactory
{
    Socket Create(AddressFamily family, SocketType type, ProtocolType protocol);
}

public sealed class DefaultSocketFactory : ISocketFactory
{
    public Socket Create(AddressFamily family, SocketType type, ProtocolType protocol) => new(family, type, protocol);
}
