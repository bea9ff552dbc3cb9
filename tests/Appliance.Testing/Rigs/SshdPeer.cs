using System.Diagnostics;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>
/// Debian's OpenSSH server on 127.0.0.1 and a free port, in the foreground (-D -e), with the settings given (the
/// image's drop-in, rewritten for this machine's paths) and a fresh ed25519 host key; stopped by its own pid. sshd
/// needs root (privilege separation in /run/sshd) and the login user must exist; <see cref="LoginAsync"/> runs the
/// OpenSSH client against it.
/// </summary>
public sealed class SshdPeer : IDisposable
{
    private readonly PeerProcess _process;
    private readonly string _dir;

    private SshdPeer(PeerProcess process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string Log() => _process.Log();

    /// <summary>Starts sshd with <paramref name="settings"/> first (the first value of a keyword wins) and its own listen address, port, host key and pid file.</summary>
    public static async Task<SshdPeer> StartAsync(IEnumerable<string> settings)
    {
        var dir = Directory.CreateTempSubdirectory("appliance-sshd-").FullName;
        var hostKey = Path.Combine(dir, "host_ed25519");
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
        Directory.CreateDirectory("/run/sshd");
        var port = FreePort.Tcp();
        var config = Path.Combine(dir, "sshd_config");
        await File.WriteAllLinesAsync(config, settings.Concat([
            "ListenAddress 127.0.0.1", $"Port {port}", $"HostKey {hostKey}", $"PidFile {Path.Combine(dir, "sshd.pid")}", "UsePAM yes",
        ]));
        var check = await RunAsync("/usr/sbin/sshd", ["-t", "-f", config]);
        if (check.Code != 0) throw new InvalidOperationException($"sshd -t refused the configuration: {check.Err}");
        var process = PeerProcess.Start("/usr/sbin/sshd", ["-D", "-e", "-f", config], Path.Combine(dir, "sshd.log"));
        var peer = new SshdPeer(process, dir, port);
        await Eventually.UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException("sshd exited: " + process.Log());
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, "sshd listens", TimeSpan.FromSeconds(15));
        return peer;
    }

    /// <summary>
    /// <c>ssh user@127.0.0.1 command</c> in batch mode (never a prompt) with <paramref name="options"/> (-i key,
    /// -o PreferredAuthentications=...), not checking the throw-away host key. Returns the exit code (255: refused) and stderr.
    /// </summary>
    public Task<(int Code, string Out, string Err)> LoginAsync(string user, string command, params string[] options) =>
        RunAsync("ssh", [.. options, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=10", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{user}@127.0.0.1", command]);

    /// <summary>Runs a program to its end (60 s at most) with its output captured.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(true);
            throw new TimeoutException($"{file} did not finish within 60 s");
        }
        return (process.ExitCode, await output, await error);
    }

    public void Dispose()
    {
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
