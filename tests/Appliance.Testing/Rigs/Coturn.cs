using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Appliance.Testing;

/// <summary>
/// coturn (Debian turnserver) on free ports, configured by <see cref="CoturnOptions"/>: a STUN server (RFC 5780 with
/// two listening addresses and the alternate port) or a TURN relay with static long-term users. Ready when it
/// answers a STUN Binding request (RFC 5389) built here, independent of any STUN code under test. Stopped by its own
/// pid (SIGKILL: it sometimes ignores SIGTERM).
/// </summary>
public sealed class Coturn : IDisposable
{
    private readonly PeerProcess _process;
    private readonly string? _ownedFolder;

    private Coturn(PeerProcess process, CoturnOptions options, int port, int? alternatePort, int? tlsPort, string? ownedFolder)
    {
        TlsPort = tlsPort;
        _process = process;
        _ownedFolder = ownedFolder;
        Options = options;
        Port = port;
        AlternatePort = alternatePort;
    }

    public CoturnOptions Options { get; }

    /// <summary>The listening port (UDP and TCP) on every listening address.</summary>
    public int Port { get; }

    /// <summary>The alternate listening port, when <see cref="CoturnOptions.AlternatePort"/> asked for one.</summary>
    public int? AlternatePort { get; }

    /// <summary>The TLS listening port, when <see cref="CoturnOptions.Tls"/> asked for TLS.</summary>
    public int? TlsPort { get; }

    /// <summary>The first listening address and <see cref="Port"/>.</summary>
    public IPEndPoint Primary => new(Options.ListeningIps[0], Port);

    public int Pid => _process.Pid;

    /// <summary>The RTCIceServer list (JSON) naming this relay over UDP with one of its static users.</summary>
    public string IceServersJson(string user) =>
        $$"""[{"urls":"turn:{{Primary.Address}}:{{Port}}?transport=udp","username":"{{user}}","credential":"{{Options.Users[user]}}"}]""";

    /// <summary>Starts coturn; its config-less state (pid file, user db, log) goes to <paramref name="folder"/>, or to a temp folder it deletes on dispose.</summary>
    public static async Task<Coturn> StartAsync(CoturnOptions options, string? folder = null)
    {
        var ownedFolder = folder is null ? Directory.CreateTempSubdirectory("appl-coturn-").FullName : null;
        var dir = folder ?? ownedFolder!;
        var port = FreePort.UdpAndTcp();
        int? alternate = options.AlternatePort ? FreePort.UdpAndTcp() : null;
        int? tls = options.Tls is null ? null : FreePort.UdpAndTcp();
        var process = PeerProcess.Start("turnserver", Arguments(options, dir, port, alternate, tls), Path.Combine(dir, $"turnserver-{port}.log"), options.Netns);
        var coturn = new Coturn(process, options, port, alternate, tls, ownedFolder);
        try
        {
            await Eventually.UntilAsync(async () => !process.HasExited && await coturn.AnswersStunAsync(), "coturn answers STUN",
                options.ReadyTimeout, process.Log);
            return coturn;
        }
        catch
        {
            coturn.Dispose();
            throw;
        }
    }

    public string Log() => _process.Log();

    public void Stop() => _process.Stop();

    public void Dispose()
    {
        _process.Dispose();
        if (_ownedFolder is null) return;
        try
        {
            Directory.Delete(_ownedFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static List<string> Arguments(CoturnOptions options, string dir, int port, int? alternate, int? tls)
    {
        var args = new List<string>
        {
            "-n", "--no-cli", "--no-dtls", "--log-file=stdout", "--simple-log",
            $"--listening-port={port.ToString(CultureInfo.InvariantCulture)}",
            $"--pidfile={Path.Combine(dir, $"turnserver-{port}.pid")}", $"--userdb={Path.Combine(dir, $"turndb-{port}")}",
        };
        args.AddRange(options.ListeningIps.Select(ip => $"--listening-ip={ip}"));
        if (options.Tls is { } pem && tls is { } tlsPort)
        {
            args.Add($"--tls-listening-port={tlsPort.ToString(CultureInfo.InvariantCulture)}");
            args.Add($"--cert={pem.Certificate}");
            args.Add($"--pkey={pem.Key}");
        }
        else
        {
            args.Add("--no-tls");
        }
        if (options.StaleNonceSeconds is { } stale) args.Add($"--stale-nonce={stale.ToString(CultureInfo.InvariantCulture)}");
        if (options.UserQuota is { } quota) args.Add($"--user-quota={quota.ToString(CultureInfo.InvariantCulture)}");
        if (alternate is { } alt) args.Add($"--alt-listening-port={alt.ToString(CultureInfo.InvariantCulture)}");
        if (options.StunOnly) args.Add("-S");
        if (options.Realm is not null) args.Add($"--realm={options.Realm}");
        if (options.Users.Count > 0) args.Add("--lt-cred-mech");
        args.AddRange(options.Users.Select(u => $"--user={u.Key}:{u.Value}"));
        if (options.RelayIp is not null) args.Add($"--relay-ip={options.RelayIp}");
        if (options.RelayPorts is { } relayPorts)
        {
            args.Add($"--min-port={relayPorts.Min.ToString(CultureInfo.InvariantCulture)}");
            args.Add($"--max-port={relayPorts.Max.ToString(CultureInfo.InvariantCulture)}");
        }

        if (options.AllowLoopbackPeers) args.Add("--allow-loopback-peers");
        return args;
    }

    /// <summary>One STUN Binding request to <see cref="Primary"/>; true when a success response with our transaction id comes back within a second.</summary>
    private async Task<bool> AnswersStunAsync()
    {
        var family = Primary.AddressFamily;
        using var socket = Options.ProbeSocket?.Invoke(family) ?? new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        var request = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(request, 0x0001);
        BinaryPrimitives.WriteUInt32BigEndian(request.AsSpan(4), 0x2112A442);
        RandomNumberGenerator.Fill(request.AsSpan(8, 12));
        var reply = new byte[1500];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await socket.SendToAsync(request, SocketFlags.None, Primary, timeout.Token);
            var length = await socket.ReceiveAsync(reply, SocketFlags.None, timeout.Token);
            return length >= 20 && BinaryPrimitives.ReadUInt16BigEndian(reply) == 0x0101 && reply.AsSpan(8, 12).SequenceEqual(request.AsSpan(8, 12));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
