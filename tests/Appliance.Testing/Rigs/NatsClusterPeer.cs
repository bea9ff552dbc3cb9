using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Appliance.Testing;

/// <summary>
/// A three-node nats-server cluster (Debian's nats-server) with JetStream and an MQTT 3.1.1 listener per node on
/// 127.0.0.1, TLS with required client certificates from a <see cref="TestPki"/>: the "existing broker cluster" a
/// fleet runs on. Nodes are killed and started by their own pids.
/// </summary>
public sealed class NatsClusterPeer : IAsyncDisposable
{
    private readonly Process?[] _nodes = new Process?[3];
    private readonly string[] _configs = new string[3];
    private readonly StringBuilder _log = new();

    private NatsClusterPeer(string folder, int[] mqttPorts)
    {
        Folder = folder;
        MqttPorts = mqttPorts;
    }

    public string Folder { get; }

    public IReadOnlyList<int> MqttPorts { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public static async Task<NatsClusterPeer> StartAsync(TestPki pki, string folder)
    {
        Directory.CreateDirectory(folder);
        var (cert, key) = pki.Server("nats");
        var client = Enumerable.Range(0, 3).Select(_ => FreePort.Tcp()).ToArray();
        var cluster = Enumerable.Range(0, 3).Select(_ => FreePort.Tcp()).ToArray();
        var mqtt = Enumerable.Range(0, 3).Select(_ => FreePort.Tcp()).ToArray();
        var peer = new NatsClusterPeer(folder, mqtt);
        for (var i = 0; i < 3; i++)
        {
            var routes = string.Join(", ", Enumerable.Range(0, 3).Where(j => j != i).Select(j => $"nats-route://127.0.0.1:{cluster[j]}"));
            var config = Path.Combine(folder, $"n{i + 1}.conf");
            File.WriteAllText(config, $$"""
                server_name: n{{i + 1}}
                listen: 127.0.0.1:{{client[i]}}
                jetstream { store_dir: "{{folder}}/n{{i + 1}}" }
                cluster { name: fleet, listen: 127.0.0.1:{{cluster[i]}}, routes: [{{routes}}] }
                mqtt {
                  listen: 127.0.0.1:{{mqtt[i]}}
                  stream_replicas: 3
                  tls { cert_file: "{{cert}}", key_file: "{{key}}", ca_file: "{{pki.CaPath}}", verify: true }
                }
                """);
            peer._configs[i] = config;
        }
        for (var i = 0; i < 3; i++) peer.Start(i);
        foreach (var port in mqtt) await WaitListeningAsync(port, peer);
        return peer;
    }

    public void Start(int node)
    {
        var info = new ProcessStartInfo("nats-server", ["-c", _configs[node]])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("nats-server did not start");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine($"n{node + 1}: {e.Data}"); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine($"n{node + 1}: {e.Data}"); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _nodes[node] = process;
    }

    /// <summary>Kills one node (SIGKILL): a crashed cluster member.</summary>
    public void Kill(int node)
    {
        var process = _nodes[node];
        if (process is null) return;
        if (!process.HasExited) process.Kill();
        process.WaitForExit();
        process.Dispose();
        _nodes[node] = null;
    }

    private static Task WaitListeningAsync(int port, NatsClusterPeer peer) =>
        Eventually.TcpListeningAsync(System.Net.IPAddress.Loopback, port, () => $"nats-server MQTT: {peer.Log}", TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < 3; i++) Kill(i);
        await Task.CompletedTask;
    }
}
