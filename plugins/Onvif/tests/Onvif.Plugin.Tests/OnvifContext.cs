using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Abstractions;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

/// <summary>
/// The shared plugin-context double as the ONVIF plugin needs it: a hub that lists streams, a camera list, users,
/// secrets, host settings, and the plugin's declared sockets (<see cref="FakeSockets"/>).
/// </summary>
internal static class OnvifContext
{
    /// <param name="configJson">The plugin configuration. The facade is switched off unless the configuration names a
    /// <c>facade</c> key, so tests written before it neither listen nor announce the appliance.</param>
    public static PluginContextDouble Create(string configJson, Func<int, IPAddress?, Socket>? bindUdp = null, Func<int, IPAddress?, Socket>? listenTcp = null)
    {
        var config = JsonNode.Parse(configJson);
        if (config is JsonObject settings && !settings.Any(p => p.Key.StartsWith("facade", StringComparison.Ordinal)))
            settings["facade.enabled"] = false;
        return new PluginContextDouble(JsonSerializer.Serialize(config), pluginId: "appliance.onvif")
        {
            DeclaredSockets = new FakeSockets(bindUdp, listenTcp),
            StreamHub = new FakeHub(),
            CameraDirectory = new CamerasDouble(),
            UserVerifier = new FakeUsers(),
            SecretStore = new FakeSecrets(),
            Settings = new HostSettingsDouble(),
        };
    }

    public static CamerasDouble Inventory(this PluginContextDouble context) => (CamerasDouble)context.Cameras;

    public static FakeUsers UserTable(this PluginContextDouble context) => (FakeUsers)context.Users;
}

/// <summary>Like the host's declared sockets: only declared UDP ports, bound with SO_REUSEADDR (by default on loopback's machine, or by the test's factory).</summary>
public sealed class FakeSockets(Func<int, IPAddress?, Socket>? bindUdp, Func<int, IPAddress?, Socket>? listenTcp = null) : IDeclaredSockets
{
    public IReadOnlyList<DeclaredPort> Declared { get; } =
        [new(SocketTransport.Udp, 3702, 3702, "ws-discovery"), new(SocketTransport.Udp, 5353, 5353, "mdns"), new(SocketTransport.Tcp, 8000, 8000, "onvif facade")];

    /// <summary>The facade's declared port; bound on 127.0.0.1 with a free port (or by the test's factory) so tests run side by side.</summary>
    public Socket ListenTcp(int port, IPAddress? address = null, int backlog = 128)
    {
        if (listenTcp is not null) return listenTcp(port, address);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(backlog);
        return socket;
    }

    public Socket BindUdp(int port, IPAddress? address = null)
    {
        if (!Declared.Any(d => d.Transport == SocketTransport.Udp && d.FromPort <= port && port <= d.ToPort))
            throw new UndeclaredPortException($"udp {port}");
        if (bindUdp is not null) return bindUdp(port, address);
        var socket = new Socket((address ?? IPAddress.Any).AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(address ?? IPAddress.Any, port));
        return socket;
    }
}
