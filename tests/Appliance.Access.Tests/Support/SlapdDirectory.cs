using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Testing;

namespace Appliance.Access.Tests.Support;

/// <summary>
/// Debian's <c>slapd</c> started by the test as the test's own user: a temporary <c>slapd.conf</c> (mdb, the core,
/// cosine and inetorgperson schemas), a tree loaded with <c>slapadd</c> before start, listening on
/// <c>ldap://127.0.0.1:{LdapPort}</c> and, with a certificate, <c>ldaps://127.0.0.1:{LdapsPort}</c> (StartTLS on the
/// plain port too). Without a certificate slapd has no TLS at all, so StartTLS fails. <see cref="Log"/> is slapd's
/// stats log (<c>-d 256</c>): every connection, bind and search it saw.
/// </summary>
public sealed class SlapdDirectory : IAsyncDisposable
{
    public const string Slapd = "/usr/sbin/slapd";
    public const string Slapadd = "/usr/sbin/slapadd";

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private SlapdDirectory(string directory, Process process, int ldapPort, int? ldapsPort)
    {
        WorkDirectory = directory;
        _process = process;
        LdapPort = ldapPort;
        LdapsPort = ldapsPort;
    }

    public string WorkDirectory { get; }

    public int LdapPort { get; }

    public int? LdapsPort { get; }

    public string LdapUrl => $"ldap://127.0.0.1:{LdapPort}";

    public string LdapsUrl => $"ldaps://127.0.0.1:{LdapsPort ?? throw new InvalidOperationException("this slapd has no TLS")}";

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>
    /// The log from character <paramref name="offset"/> on, once slapd has written nothing more for 300 ms (its
    /// lines arrive through a pipe, a little after the client saw the answer).
    /// </summary>
    public async Task<string> LogSinceAsync(int offset)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var length = -1;
        while (DateTime.UtcNow < deadline && Log.Length != length)
        {
            length = Log.Length;
            await Task.Delay(300);
        }
        return Log[offset..];
    }

    /// <summary>
    /// Loads <paramref name="ldif"/> under <paramref name="suffix"/> and starts slapd; with <paramref name="tls"/>
    /// (certificate PEM, key PEM) it serves LDAPS and StartTLS.
    /// </summary>
    public static async Task<SlapdDirectory> StartAsync(string suffix, string ldif, (string CertificatePem, string KeyPem)? tls)
    {
        if (!File.Exists(Slapd) || !File.Exists(Slapadd))
            throw new FileNotFoundException("Debian's slapd package is required (build.sh installs it)", Slapd);
        var dir = Directory.CreateTempSubdirectory("appl-slapd-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "db"));
        var conf = new StringBuilder();
        foreach (var schema in new[] { "core", "cosine", "inetorgperson" })
            conf.AppendLine($"include /etc/ldap/schema/{schema}.schema");
        conf.AppendLine($"pidfile {dir}/slapd.pid");
        conf.AppendLine("modulepath /usr/lib/ldap");
        conf.AppendLine("moduleload back_mdb");
        if (tls is { } pair)
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "server.pem"), pair.CertificatePem);
            await File.WriteAllTextAsync(Path.Combine(dir, "server.key"), pair.KeyPem);
            File.SetUnixFileMode(Path.Combine(dir, "server.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            conf.AppendLine($"TLSCertificateFile {dir}/server.pem");
            conf.AppendLine($"TLSCertificateKeyFile {dir}/server.key");
        }
        conf.AppendLine("database mdb");
        conf.AppendLine("maxsize 16777216");
        conf.AppendLine($"suffix \"{suffix}\"");
        conf.AppendLine($"directory {dir}/db");
        // Users bind with their own password and may read the tree (the group search); nobody reads passwords.
        // Simple binds in clear are deliberately allowed: refusing a clear bind is the host's job, and the stats
        // log shows whether one reached the server.
        conf.AppendLine("access to attrs=userPassword by anonymous auth by * none");
        conf.AppendLine("access to * by users read by * none");
        var confPath = Path.Combine(dir, "slapd.conf");
        await File.WriteAllTextAsync(confPath, conf.ToString());
        var ldifPath = Path.Combine(dir, "tree.ldif");
        await File.WriteAllTextAsync(ldifPath, ldif);
        var (code, output) = await RunAsync(Slapadd, "-f", confPath, "-l", ldifPath);
        if (code != 0) throw new InvalidOperationException($"slapadd failed ({code}): {output}");

        var ldapPort = FreePort.Tcp();
        int? ldapsPort = tls is null ? null : FreePort.Tcp();
        var urls = $"ldap://127.0.0.1:{ldapPort}/" + (ldapsPort is { } p ? $" ldaps://127.0.0.1:{p}/" : "");
        var info = new ProcessStartInfo(Slapd) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-f", confPath, "-h", urls, "-d", "256" }) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("slapd did not start");
        var slapd = new SlapdDirectory(dir, process, ldapPort, ldapsPort);
        process.ErrorDataReceived += (_, e) => slapd.Append(e.Data);
        process.OutputDataReceived += (_, e) => slapd.Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await slapd.WaitListeningAsync(ldapPort);
        if (ldapsPort is { } secure) await slapd.WaitListeningAsync(secure);
        return slapd;
    }

    /// <summary>Runs an OpenLDAP client tool (ldapwhoami, ldapsearch) with extra environment, e.g. LDAPTLS_CACERT.</summary>
    public static Task<(int Code, string Output)> ClientAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(args[0], environment, args[1..]);

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private Task WaitListeningAsync(int port) =>
        Eventually.TcpListeningAsync(IPAddress.Loopback, port, () => _process.HasExited ? $"slapd exited ({_process.ExitCode}):\n{Log}" : Log, TimeSpan.FromSeconds(15));

    private static Task<(int Code, string Output)> RunAsync(string file, params string[] args) =>
        RunAsync(file, new Dictionary<string, string>(), args);

    private static async Task<(int Code, string Output)> RunAsync(string file, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
