using System.Globalization;
using System.Net.Sockets;
using Appliance.Isolation.Bridge;
using Appliance.Isolation.Wire;
using Appliance.PluginHost;

// The plugin-host child: connect to the host's socket, say hello with the token from the environment, run the plugin
// until the host says stop or goes away. Usage: --socket PATH --plugin ENTRY.dll --id PLUGIN_ID [--max-frame BYTES]
var options = new Dictionary<string, string>();
for (var i = 0; i + 1 < args.Length; i += 2) options[args[i]] = args[i + 1];
if (!options.TryGetValue("--socket", out var socketPath) || !options.TryGetValue("--plugin", out var entry) || !options.TryGetValue("--id", out var pluginId))
{
    Console.Error.WriteLine("usage: Appliance.PluginHost --socket PATH --plugin ENTRY.dll --id PLUGIN_ID [--max-frame BYTES]");
    return 2;
}
var maxFrame = options.TryGetValue("--max-frame", out var m) ? int.Parse(m, CultureInfo.InvariantCulture) : FrameReader.DefaultMaxPayload;
var token = Environment.GetEnvironmentVariable("APPLIANCE_ISOLATION_TOKEN") ?? "";
Environment.SetEnvironmentVariable("APPLIANCE_ISOLATION_TOKEN", null); // the plugin has no business with it

var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
await using var channel = new IsolationChannel(new NetworkStream(socket, ownsSocket: true), maxFrame);
var hello = await channel.HandshakeAsync(new Hello(Frame.ProtocolVersion, "plugin-host", Environment.ProcessId, pluginId, token), CancellationToken.None);
if (!hello.IsOk)
{
    Console.Error.WriteLine($"handshake with the host failed: {hello.Failure}");
    return 3;
}
var handler = new ChildHandler(new HostLink(channel), entry, Path.GetDirectoryName(socketPath)!);
channel.Start(handler);
var ended = await Task.WhenAny(handler.Stopped, channel.Closed);
if (ended == channel.Closed)
{
    Console.Error.WriteLine($"the host went away: {await channel.Closed}");
    return 4;
}
await Task.Delay(100); // let the stop answer leave before the socket closes
return 0;
