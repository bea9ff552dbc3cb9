using System.Diagnostics;
using System.Text;

namespace Appliance.Testing;

/// <summary>
/// A real mosquitto 2 broker on 127.0.0.1 with TLS and required client certificates (the certificate's CN is the
/// user name), a per-device ACL, and optional persistence so it can be stopped and started again on the same port
/// with its sessions. Stopped by its own pid.
/// </summary>
public sealed class MosquittoPeer : IAsyncDisposable
{
    private readonly string _config;
    private Process? _process;
    private readonly StringBuilder _log = new();

    private MosquittoPeer(string folder, int port, string config)
    {
        Folder = folder;
        Port = port;
        _config = config;
    }

    public string Folder { get; }

    public int Port { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>
    /// Writes the config and ACL and starts the broker. <paramref name="acl"/> is mosquitto acl_file text; the default
    /// lets each device use only <c>appliance/&lt;its CN&gt;/#</c> and the <c>fleet</c> user everything.
    /// </summary>
    /// <param name="webSocketPort">Also listen for MQTT over TLS WebSockets there (same certificates and rules).</param>
    public static async Task<MosquittoPeer> StartAsync(TestPki pki, string folder, string? acl = null, bool persistent = true, int? port = null, int? webSocketPort = null)
    {
        Directory.CreateDirectory(folder);
        var (cert, key) = pki.Server();
        var chosen = port ?? FreePort.Tcp();
        var aclPath = Path.Combine(folder, "acl");
        File.WriteAllText(aclPath, acl ?? DefaultAcl);
        var config = Path.Combine(folder, "mosquitto.conf");
        var lines = new List<string>
        {
            "user root",
            $"listener {chosen} 127.0.0.1",
            $"cafile {pki.CaPath}",
            $"certfile {cert}",
            $"keyfile {key}",
            "require_certificate true",
            "use_identity_as_username true",
            "tls_version tlsv1.2",
            $"acl_file {aclPath}",
            "allow_anonymous false",
            $"persistence {(persistent ? "true" : "false")}",
            $"persistence_location {folder}/",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type subscribe",
            "max_queued_messages 100000",
            "set_tcp_nodelay true",
        };
        if (webSocketPort is { } ws)
        {
            lines.AddRange([
                $"listener {ws} 127.0.0.1", "protocol websockets", $"cafile {pki.CaPath}", $"certfile {cert}", $"keyfile {key}",
                "require_certificate true", "use_identity_as_username true", "tls_version tlsv1.2",
            ]);
        }
        File.WriteAllLines(config, lines);
        var peer = new MosquittoPeer(folder, chosen, config);
        await peer.StartAsync();
        return peer;
    }

    /// <summary>
    /// Starts a broker on <paramref name="port"/> configured by <paramref name="listenerLines"/> (its <c>listener</c>
    /// lines and their settings: plain, TLS with any certificate, a password file, ...), with the same logging as
    /// the fleet broker, so a test of a site broker needs no client certificates.
    /// </summary>
    public static async Task<MosquittoPeer> StartWithAsync(string folder, int port, IEnumerable<string> listenerLines)
    {
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "mosquitto.conf");
        File.WriteAllLines(config, new[] { "user root", "per_listener_settings false", "persistence false", "log_dest stderr", "log_type error",
            "log_type warning", "log_type notice", "log_type subscribe", "set_tcp_nodelay true" }.Concat(listenerLines));
        var peer = new MosquittoPeer(folder, port, config);
        await peer.StartAsync();
        return peer;
    }

    public const string DefaultAcl = """
        pattern readwrite appliance/%u/#
        user fleet
        topic readwrite #
        """;

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("mosquitto", ["-c", _config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start");
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await Eventually.TcpListeningAsync(System.Net.IPAddress.Loopback, Port, () => _process.HasExited ? $"mosquitto exited: {Log}" : Log, TimeSpan.FromSeconds(10));
    }

    /// <summary>Stops the broker (SIGTERM, so a persistent one saves its sessions), keeping its folder for a restart.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) _process.Kill();
        if (_process is not null) await _process.WaitForExitAsync();
        _process?.Dispose();
    }
}
