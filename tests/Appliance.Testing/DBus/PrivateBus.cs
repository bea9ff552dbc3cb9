using System.Diagnostics;
using System.Text;

namespace Appliance.Testing.DBus;

/// <summary>
/// A private <c>dbus-daemon</c> started for one test (its own socket in a temporary folder, never the machine's
/// buses), and <c>python3-dbusmock</c> services on it. <see cref="BusctlAsync"/> runs the reference client against it.
/// Debian's <c>/usr/bin/python3</c> is used: the interpreter on PATH may be another one without dbusmock.
/// </summary>
public sealed class PrivateBus : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";
    private readonly Process _daemon;
    private readonly List<Process> _mocks = [];
    private readonly string _directory;
    private readonly StringBuilder _log = new();

    private PrivateBus(Process daemon, string directory, string address)
    {
        _daemon = daemon;
        _directory = directory;
        Address = address;
    }

    /// <summary>The daemon's address (<c>unix:path=...</c>), what the code under test is configured with.</summary>
    public string Address { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public static async Task<PrivateBus> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("appl-dbus-").FullName;
        // Services that drop to their own user (systemd-networkd) must reach the socket too.
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        var config = Path.Combine(directory, "bus.conf");
        await File.WriteAllTextAsync(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:path={directory}/bus</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow send_destination="*" eavesdrop="true"/>
                <allow eavesdrop="true"/>
                <allow own="*"/>
              </policy>
            </busconfig>
            """);
        var info = new ProcessStartInfo("dbus-daemon", ["--config-file", config, "--print-address", "--nofork", "--nopidfile"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var daemon = Process.Start(info) ?? throw new InvalidOperationException("dbus-daemon did not start");
        var line = await daemon.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (string.IsNullOrWhiteSpace(line))
            throw new InvalidOperationException("dbus-daemon printed no address: " + await daemon.StandardError.ReadToEndAsync());
        return new PrivateBus(daemon, directory, line.Trim());
    }

    /// <summary>
    /// Starts <c>python3 -m dbusmock</c> with a template (<c>systemd</c>, <c>timedated</c>, <c>logind</c>,
    /// <c>networkmanager</c>) and waits until <paramref name="busName"/> is owned.
    /// </summary>
    public Task StartTemplateAsync(string template, string busName, string? parametersJson = null) =>
        StartMockAsync(busName, parametersJson is null ? ["--session", "-t", template] : ["--session", "-t", template, "-p", parametersJson]);

    /// <summary>A bare mock object (for services without a template, such as hostnamed), filled with the Mock interface.</summary>
    public Task StartObjectAsync(string busName, string path, string @interface) =>
        StartMockAsync(busName, ["--session", busName, path, @interface]);

    private async Task StartMockAsync(string busName, string[] arguments)
    {
        var info = new ProcessStartInfo(Python, ["-m", "dbusmock", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DBUS_SESSION_BUS_ADDRESS"] = Address;
        info.Environment.Remove("DBUS_SYSTEM_BUS_ADDRESS");
        var mock = new Process { StartInfo = info };
        mock.OutputDataReceived += (_, e) => Append(e.Data);
        mock.ErrorDataReceived += (_, e) => Append(e.Data);
        mock.Start();
        mock.BeginOutputReadLine();
        mock.BeginErrorReadLine();
        lock (_mocks) _mocks.Add(mock);
        await Eventually.UntilAsync(async () =>
        {
            if (mock.HasExited) return true;
            var (code, output, _) = await BusctlAsync("call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", "s", busName);
            return code == 0 && output.Trim() == "b true";
        }, $"dbusmock owning {busName}", TimeSpan.FromSeconds(20), () => Log);
        if (mock.HasExited) throw new InvalidOperationException($"dbusmock for {busName} exited with {mock.ExitCode}:\n{Log}");
    }

    /// <summary>Runs <c>busctl --address=... ARGS</c>; returns the exit code, standard output and standard error.</summary>
    public async Task<(int Code, string Output, string Error)> BusctlAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("busctl", [$"--address={Address}", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("busctl did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Like <see cref="BusctlAsync"/>, but a non-zero exit is an exception with busctl's message (test set-up).</summary>
    public async Task<string> BusctlOrThrowAsync(params string[] arguments)
    {
        var (code, output, error) = await BusctlAsync(arguments);
        if (code != 0) throw new InvalidOperationException($"busctl {string.Join(' ', arguments)} failed ({code}): {error}\n{Log}");
        return output;
    }

    /// <summary>Calls a method of dbusmock's control interface (<c>org.freedesktop.DBus.Mock</c>) on an object.</summary>
    public Task<string> MockAsync(string busName, string path, string method, string signature, params string[] arguments) =>
        BusctlOrThrowAsync(["call", busName, path, "org.freedesktop.DBus.Mock", method, signature, .. arguments]);

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        Process[] mocks;
        lock (_mocks) mocks = [.. _mocks];
        foreach (var process in mocks.Append(_daemon))
        {
            try
            {
                if (!process.HasExited) process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
            }
            process.Dispose();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
