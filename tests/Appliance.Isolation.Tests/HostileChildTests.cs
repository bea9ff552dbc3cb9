using System.Diagnostics;
using System.Net.Sockets;
using Appliance.Host.Plugins;
using Appliance.Isolation.Bridge;
using Appliance.Isolation.Supervision;
using Appliance.Isolation.Wire;
using Xunit;

namespace Appliance.Isolation.Tests;

/// <summary>
/// A child that is not a well-behaved plugin host: a real process (python3) that connects to the host's socket and
/// writes garbage, an oversized frame, a forged hello, or nothing. The plugin is quarantined with a clear error,
/// the child is killed, and another isolated plugin keeps running.
/// </summary>
public sealed class HostileChildTests
{
    private const string Connect = "import socket,sys,time,struct,os\ns=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1])\n";

    [Theory]
    [InlineData("garbage", "s.sendall(b'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n');time.sleep(60)", "bad frame magic")]
    [InlineData("oversized", "s.sendall(struct.pack('<IBBHII',0x494C5041,1,1,0,0,0x7fffffff));time.sleep(60)", "over the 8388608-byte limit")]
    [InlineData("version", "s.sendall(struct.pack('<IBBHII',0x494C5041,9,1,0,0,2)+b'{}');time.sleep(60)", "frame protocol version 9 is not supported")]
    [InlineData("forged", "h=b'{\"protocol\":1,\"role\":\"plugin-host\",\"pid\":1,\"pluginId\":\"test.hostile\",\"token\":\"guess\"}';s.sendall(struct.pack('<IBBHII',0x494C5041,1,1,0,0,len(h))+h);time.sleep(60)", "the peer is not the plugin host the host started")]
    [InlineData("exits", "EXIT", "exited with code 3 before it connected")]
    public async Task A_hostile_child_is_refused_killed_and_nothing_else_is_touched(string name, string script, string expected)
    {
        var launcher = new ScriptLauncher(script == "EXIT" ? "import os\nos._exit(3)" : Connect + script, new ChildProcessLauncher());
        await using var h = await IsolationHarness.StartAsync(launcher: launcher);
        await using var camera = new SyntheticCamera(h.Hub, "camera/" + name);
        Assert.Null((await h.InstallProbeAsync("test.good", "camera/" + name)).Failure);
        await IsolationHarness.Eventually(() => h.ProbeStatusAsync("test.good"), s => s is { Received: > 0 }, what: "good probe up");

        await h.InstallProbeAsync("test.hostile", "camera/" + name);
        var status = await IsolationHarness.Eventually(() => Task.FromResult(h.Manager.Get("test.hostile")!),
            s => s.State == PluginState.Quarantined, what: "quarantine");
        Assert.Contains(expected, status.Error);
        Assert.True(await ExitsAsync(launcher.LastScriptPid), "the hostile child was killed");
        var good = await h.ProbeStatusAsync("test.good");
        Assert.Equal(PluginState.Running, h.Manager.Get("test.good")!.State);
        await IsolationHarness.Eventually(() => h.ProbeStatusAsync("test.good"), s => s is { } v && v.Received > good!.Value.Received, what: "good probe still reading");
        Assert.Equal(0, camera.Gaps);
    }

    [Fact]
    public async Task Garbage_after_the_handshake_ends_the_channel_with_what_was_wrong()
    {
        var (a, b) = Pair();
        await using var host = new IsolationChannel(new NetworkStream(a, true), 1024);
        var peer = new NetworkStream(b, true);
        var handshake = host.HandshakeAsync(new Hello(1, "host", 1, "x", ""), default);
        var writer = new FrameWriter(peer);
        await writer.WriteAsync(FrameKind.Hello, 0, WireJson.Encode(new Hello(1, "plugin-host", 2, "x", "t")), default);
        Assert.True((await handshake).IsOk);
        host.Start(new NullHandler());
        await writer.WriteAsync(FrameKind.Response, 42, "{}"u8.ToArray(), default); // an answer to nothing
        var why = await host.Closed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("malformed", why.Code);
        Assert.Contains("request 42, which is not pending", why.Message);
        // Pending and later requests fail with the reason instead of hanging.
        var late = await host.RequestAsync("log", new { }, default);
        Assert.False(late.IsOk);
    }

    private static (Socket, Socket) Pair()
    {
        var path = Path.Combine(Path.GetTempPath(), $"appl-pair-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path));
        var server = listener.Accept();
        File.Delete(path);
        return (server, client);
    }

    private static async Task<bool> ExitsAsync(int pid)
    {
        for (var i = 0; i < 500 && File.Exists($"/proc/{pid}/stat"); i++)
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                return true; // reaped between the check and the read ("No such process")
            }
            if (text[(text.LastIndexOf(')') + 2)..].StartsWith('Z')) return true;
            await Task.Delay(20);
        }
        return !File.Exists($"/proc/{pid}/stat");
    }

    private sealed class NullHandler : IChannelHandler
    {
        public ValueTask<Appliance.Abstractions.Result<System.Text.Json.JsonElement>> HandleRequestAsync(string op, System.Text.Json.JsonElement args, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Appliance.Abstractions.Result<System.Text.Json.JsonElement>.Fail("unknown-op", op));

        public void HandleNotify(string op, System.Text.Json.JsonElement args)
        {
        }

        public void HandleRingTick(uint ring, ulong sequence)
        {
        }
    }
}
