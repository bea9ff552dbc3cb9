using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Plugins.Onvif.Plugin.Facade;
using Appliance.Plugins.Onvif.Plugin.Facade.Auth;
using Appliance.Plugins.Rtsp.Protocol.Auth;
using Appliance.Plugins.Onvif.Plugin.Facade.Http;
using Appliance.Plugins.Onvif.Plugin.Facade.Services;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests.Facade;

/// <summary>
/// The listener against clients that hold connections: a slowloris sending half a header is closed after the idle time,
/// connections beyond the limit are closed at accept, and a good client is answered throughout.
/// </summary>
public sealed class FacadeListenerTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private Socket _socket = null!;
    private Task _run = null!;

    private int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public Task InitializeAsync()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.Listen(256);
        var log = new MemoryLogDouble();
        var users = new FakeUsers();
        var time = TimeProvider.System;
        var handler = new FacadeRequestHandler(new DeviceService(new FacadeSettings(true, 0, null, 554, "A", "", false), "serial", time, () => []).Operations(),
            new FacadeAuthenticator(new HttpDigestVerifier(users, new DigestNonces(time, TimeSpan.FromMinutes(5)), log),
                new UsernameTokenCheck(users, new NonceCache(time, TimeSpan.FromMinutes(5), 16))), log);
        var listener = new FacadeListener(_socket, handler, _ => "127.0.0.1", 554, log, time, idleTimeout: TimeSpan.FromSeconds(1));
        _run = listener.RunAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task<Socket> ConnectAsync()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(IPAddress.Loopback, Port);
        return s;
    }

    private async Task<string> GoodRequestAsync()
    {
        using var s = await ConnectAsync();
        var body = Facade.FacadeRig.Body("<tds:GetSystemDateAndTime/>");
        await s.SendAsync(Facade.FacadeRig.Http(body));
        var buffer = new byte[16384];
        var answer = new StringBuilder();
        int n;
        while ((n = await s.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(5))) > 0) answer.Append(Encoding.UTF8.GetString(buffer, 0, n));
        return answer.ToString();
    }

    [Fact]
    public async Task ASlowlorisIsClosedAfterTheIdleTimeAndOthersAreAnsweredMeanwhile()
    {
        using var slow = await ConnectAsync();
        await slow.SendAsync("POST /onvif/device_service HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-"u8.ToArray());
        Assert.StartsWith("HTTP/1.1 200", await GoodRequestAsync(), StringComparison.Ordinal);
        var started = DateTime.UtcNow;
        var n = await slow.ReceiveAsync(new byte[64], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, n);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0.3, 5);
    }

    [Fact]
    public async Task ConnectionsBeyondTheLimitAreClosedAtAccept()
    {
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < FacadeListener.MaxConnections + 6; i++) held.Add(await ConnectAsync());
            var closedAtOnce = 0;
            foreach (var s in held.Skip(FacadeListener.MaxConnections - 2))
            {
                s.ReceiveTimeout = 300;
                try { if (s.Receive(new byte[1]) == 0) closedAtOnce++; }
                catch (SocketException) { }
            }
            Assert.InRange(closedAtOnce, 6, 8);
        }
        finally
        {
            foreach (var s in held) s.Dispose();
        }
        // Once the holders go (the listener sees their connections end), a good client is served again.
        var answer = "";
        for (var attempt = 0; attempt < 50 && !answer.StartsWith("HTTP/1.1 200", StringComparison.Ordinal); attempt++)
        {
            answer = await GoodRequestAsync();
            if (answer.Length == 0) await Task.Delay(100);
        }
        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
    }
}
