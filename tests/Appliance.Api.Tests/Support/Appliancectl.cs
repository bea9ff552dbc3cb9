using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Appliance.Testing;

namespace Appliance.Api.Tests.Support;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the built <c>appliancectl</c> as a process with its own config file and a clean environment.</summary>
public sealed class Appliancectl(string configPath)
{
    public static string Dll => Path.Combine(RepoPaths.Root, "tools", "Appliancectl", "bin", RepoPaths.Configuration, "net10.0", "appliancectl.dll");

    public string ConfigPath { get; } = configPath;

    /// <summary>SHA-256 of a test host's certificate, upper-case hex without separators (what login pins).</summary>
    public static string Fingerprint(HostProcess host)
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(host.DataDirectory, "certificates", "portal.pfx"), null);
        return Convert.ToHexString(SHA256.HashData(certificate.RawData));
    }

    /// <summary>An appliancectl with its config at <paramref name="configPath"/>, logged in to <paramref name="host"/> as its admin (password on stdin).</summary>
    public static async Task<Appliancectl> LoggedInAsync(HostProcess host, string configPath)
    {
        var cli = new Appliancectl(configPath);
        var login = await cli.RunAsync(["login", "--url", host.BaseUri.GetLeftPart(UriPartial.Authority), "--user", HostProcess.AdminUser,
            "--password-stdin", "--fingerprint", Fingerprint(host)], stdin: HostProcess.AdminPassword + "\n");
        return login.ExitCode == 0 ? cli : throw new InvalidOperationException("appliancectl login failed: " + login);
    }

    public async Task<CliResult> RunAsync(params string[] args) => await RunAsync(args, stdin: null);

    /// <param name="environment">extra environment variables, e.g. TZ for the local time zone.</param>
    public async Task<CliResult> RunAsync(string[] args, string? stdin, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(args, environment);
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"appliancectl {string.Join(' ', args)} did not finish within 120 s");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running command (e.g. <c>events tail --follow</c>); the caller kills it.</summary>
    public RunningCli StartLong(params string[] args) => new(Start(args, null));

    /// <summary>Runs appliancectl and asserts its exit code (the whole output is in the failure message).</summary>
    public async Task<CliResult> ExpectAsync(int exitCode, string[] args, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await RunAsync(args, stdin, environment);
        Assert.True(result.ExitCode == exitCode, $"appliancectl {string.Join(' ', args)}: {result}");
        return result;
    }

    private Process Start(string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        if (!File.Exists(Dll)) throw new FileNotFoundException("build tools/Appliancectl first", Dll);
        var info = new ProcessStartInfo("dotnet", [Dll, .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.Environment["APPLIANCECTL_CONFIG"] = ConfigPath;
        foreach (var name in new[] { "APPLIANCE_URL", "APPLIANCE_TOKEN", "APPLIANCE_PASSWORD" }) info.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return Process.Start(info)!;
    }
}

/// <summary>A CLI process still running; its output is collected as it comes.</summary>
public sealed class RunningCli : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    public RunningCli(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public bool HasExited => _process.HasExited;

    /// <summary>Polls until <paramref name="text"/> has been printed (generous timeout for a loaded machine).</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        await Eventually.UntilAsync(() => Stdout.Contains(text, StringComparison.Ordinal) || _process.HasExited,
            $"appliancectl printing '{text}'", timeout ?? TimeSpan.FromSeconds(60), () => $"\n{Stdout}\n{Stderr}");
        if (!Stdout.Contains(text, StringComparison.Ordinal))
            throw new InvalidOperationException($"appliancectl exited ({_process.ExitCode}) before printing '{text}':\n{Stdout}\n{Stderr}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
