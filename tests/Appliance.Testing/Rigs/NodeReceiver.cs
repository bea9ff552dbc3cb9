using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;

namespace Appliance.Testing;

/// <summary>
/// The npm <c>standardwebhooks</c> receiver (tests/receiver/receiver.js) on 127.0.0.1 over HTTPS with a test
/// certificate made by openssl; its JSON lines are collected. Stopped by its own pid.
/// </summary>
public sealed class NodeReceiver : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<JsonElement> _lines = [];
    private readonly string _dir;

    private NodeReceiver(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"https://127.0.0.1:{Port}/hooks");

    public static string ReceiverDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "plugins", "Webhooks"))) dir = dir.Parent;
            return Path.Combine(dir!.FullName, "plugins", "Webhooks", "tests", "receiver");
        }
    }

    public static async Task<NodeReceiver> StartAsync(string secret, string mode)
    {
        if (!Directory.Exists(Path.Combine(ReceiverDirectory, "node_modules", "standardwebhooks")))
            throw new InvalidOperationException($"run npm ci in {ReceiverDirectory} (build.sh does)");
        var dir = Directory.CreateTempSubdirectory("appl-rules-webhook-").FullName;
        var cert = Path.Combine(dir, "cert.pem");
        var key = Path.Combine(dir, "key.pem");
        using (var openssl = Process.Start(new ProcessStartInfo("openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert])
        { RedirectStandardError = true, RedirectStandardOutput = true })!)
        {
            await openssl.WaitForExitAsync();
            if (openssl.ExitCode != 0) throw new InvalidOperationException("openssl failed: " + await openssl.StandardError.ReadToEndAsync());
        }
        var port = Appliance.Testing.FreePort.Tcp();
        var info = new ProcessStartInfo("node", [Path.Combine(ReceiverDirectory, "receiver.js"), port.ToString(), secret, cert, key, mode])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ReceiverDirectory,
        };
        var process = Process.Start(info)!;
        var receiver = new NodeReceiver(process, dir, port);
        var ready = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data.StartsWith("listening")) { ready.TrySetResult(); return; }
            using var doc = JsonDocument.Parse(e.Data);
            lock (receiver._lines) receiver._lines.Add(doc.RootElement.Clone());
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return receiver;
    }

    public IReadOnlyList<JsonElement> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    /// <summary>Waits (generously) until at least <paramref name="count"/> lines have arrived.</summary>
    public Task<IReadOnlyList<JsonElement>> WaitForLinesAsync(int count)
        => Eventually.ReadUntilAsync(() => Lines, lines => lines.Count >= count, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50));

    /// <summary>The SHA-256 fingerprint of the receiver's self-signed certificate (hex), as a pin in configuration.</summary>
    public string CertificateSha256 =>
        System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_dir, "cert.pem"))
            .GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);

    /// <summary>An HTTP handler that trusts this receiver's self-signed certificate only.</summary>
    public HttpMessageHandler TrustingHandler()
    {
        var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_dir, "cert.pem"));
        return new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == cert.GetCertHashString() },
        };
    }


    public async ValueTask DisposeAsync()
    {
        await ChildProcess.StopAsync(_process);
        Directory.Delete(_dir, recursive: true);
    }
}
