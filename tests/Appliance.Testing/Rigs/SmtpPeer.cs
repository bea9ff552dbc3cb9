using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>aiosmtpd (Debian python3-aiosmtpd, run with /usr/bin/python3) on 127.0.0.1 with an openssl test certificate.</summary>
public sealed class SmtpPeer : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpPeer(Process process, string dir, int port, string certPath)
    {
        _process = process;
        Folder = dir;
        Port = port;
        CertificatePath = certPath;
    }

    public string Folder { get; }
    public int Port { get; }
    public string CertificatePath { get; }
    public string Mailbox => Path.Combine(Folder, "mail");

    public static async Task<SmtpPeer> StartAsync(string mode, bool authRequired = false)
    {
        var dir = Directory.CreateTempSubdirectory("appl-rules-smtp-").FullName;
        var cert = Path.Combine(dir, "cert.pem");
        var key = Path.Combine(dir, "key.pem");
        using (var openssl = Process.Start(new ProcessStartInfo("openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert])
        { RedirectStandardError = true, RedirectStandardOutput = true })!)
            await openssl.WaitForExitAsync();
        Directory.CreateDirectory(Path.Combine(dir, "mail"));
        var port = FreePort.Tcp();
        var script = Path.Combine(AppContext.BaseDirectory, "smtp_server.py");
        var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, port.ToString(), mode, Path.Combine(dir, "mail"), cert, key, authRequired ? "1" : "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var ready = new TaskCompletionSource();
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data == "listening") ready.TrySetResult(); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var done = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (done != ready.Task) throw new InvalidOperationException("aiosmtpd did not start: " + errors);
        return new SmtpPeer(process, dir, port, cert);
    }

    /// <summary>The messages received (raw .eml text and envelope JSON), waiting generously for <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<(string Eml, string Envelope)>> WaitForAsync(int count)
    {
        await Eventually.HoldsWithinAsync(() => Directory.GetFiles(Mailbox, "*.eml").Length >= count, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50));
        await Task.Delay(50); // the envelope file is written just after the message
        return Directory.GetFiles(Mailbox, "*.eml").Order()
            .Select(f => (File.ReadAllText(f), File.ReadAllText(Path.ChangeExtension(f, ".json")))).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcess.StopAsync(_process);
        Directory.Delete(Folder, recursive: true);
    }
}
