using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Appliance.Plugins.WebRtc.Protocol.Stun;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Support;

/// <summary>
/// coturn (Debian turnserver) on 127.0.0.1, a free UDP port, long-term credentials u/p, relaying on loopback only.
/// Ready when it answers our STUN binding request (an independent STUN server checking our encoder). Killed by pid.
/// </summary>
public sealed class Coturn : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private Coturn(Process process, string dir, int port, string address)
    {
        Address = address;
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }
    public string Address { get; }
    public const string User = "u";
    public const string Password = "p";

    public string IceServersJson => $$"""[{"urls":"turn:{{Address}}:{{Port}}?transport=udp","username":"{{User}}","credential":"{{Password}}"}]""";

    public static async Task<Coturn> StartAsync(string listenAddress = "127.0.0.1")
    {
        int port;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))) port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        var dir = Directory.CreateTempSubdirectory("appl-webrtc-turn-").FullName;
        var args = $"-n --listening-ip={listenAddress} --listening-port={port} --relay-ip=127.0.0.1 --realm=test --lt-cred-mech " +
                   $"--userdb={dir}/turndb --user={User}:{Password} --allow-loopback-peers --no-cli --no-tls --no-dtls " +
                   $"--pidfile={dir}/turn.pid --log-file=stdout --min-port=40000 --max-port=40999";
        var process = Process.Start(new ProcessStartInfo("turnserver", args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("turnserver did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new Coturn(process, dir, port, listenAddress);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Parse(listenAddress), 0));
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var request = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId()).Build();
            await client.SendAsync(request, new IPEndPoint(IPAddress.Parse(listenAddress), port));
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                var answer = await client.ReceiveAsync(wait.Token);
                var parsed = StunMessage.Parse(answer.Buffer);
                if (parsed.IsOk && parsed.Value.Type == StunMessageType.BindingSuccess && parsed.Value.XorMappedAddress?.Port == ((IPEndPoint)client.Client.LocalEndPoint!).Port)
                    return server;
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }
        server.Dispose();
        throw new InvalidOperationException("coturn did not answer a STUN binding request within 30 s");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(); // it sometimes ignores SIGTERM (RIGS.md): SIGKILL by pid
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
