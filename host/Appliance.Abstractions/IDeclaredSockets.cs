using System.Net;
using System.Net.Sockets;

namespace Appliance.Abstractions;

/// <summary>
/// The only way a plugin opens a listening socket. A port its manifest does not declare inbound
/// (after configuration overrides) is refused with <see cref="UndeclaredPortException"/>.
/// </summary>
public interface IDeclaredSockets
{
    /// <summary>A TCP socket bound and listening on <paramref name="port"/> (0 only if the manifest declares port 0 = ephemeral).</summary>
    Socket ListenTcp(int port, IPAddress? address = null, int backlog = 128);

    /// <summary>A UDP socket bound to <paramref name="port"/>.</summary>
    Socket BindUdp(int port, IPAddress? address = null);

    /// <summary>The ports (per transport) this plugin may listen on, as resolved from its manifest and configuration.</summary>
    IReadOnlyList<DeclaredPort> Declared { get; }
}

public enum SocketTransport { Tcp, Udp }

public sealed record DeclaredPort(SocketTransport Transport, int FromPort, int ToPort, string Purpose);

public sealed class UndeclaredPortException(string message) : InvalidOperationException(message);
