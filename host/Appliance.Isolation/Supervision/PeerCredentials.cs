using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Appliance.Isolation.Supervision;

/// <summary>SO_PEERCRED of a connected Unix socket: who is really on the other end (not what it says in Hello).</summary>
public static class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    public static (int Pid, int Uid, int Gid) Of(Socket socket)
    {
        Span<byte> buffer = stackalloc byte[12];
        socket.GetRawSocketOption(SolSocket, SoPeerCred, buffer);
        return (MemoryMarshal.Read<int>(buffer), MemoryMarshal.Read<int>(buffer[4..]), MemoryMarshal.Read<int>(buffer[8..]));
    }
}
