using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Appliance.Host.Tests.Surface;

/// <summary>
/// Two network namespaces joined by a veth pair: the appliance's (<c>vethsite0</c>, 10.79.1.1/24) and a VMS site's
/// (<c>eth0</c>, 10.79.1.2/24) with TCP listeners that accept and close. Names carry the creating pid, so a run
/// removes only namespaces whose test process is gone. Disposing stops the listeners and deletes both namespaces.
/// </summary>
public sealed partial class TargetsRig : IDisposable
{
    public const string Prefix = "appl-test-tgt-";
    public const string ApplianceAddress = "10.79.1.1";
    public const string SiteAddress = "10.79.1.2";
    public const string SiteInterface = "vethsite0";

    private const string ListenerScript = """
        import socket, sys, threading
        socks = []
        for p in sys.argv[1:]:
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", int(p))); s.listen(64); socks.append(s)
        def serve(s):
            while True:
                c, _ = s.accept(); c.close()
        for s in socks: threading.Thread(target=serve, args=(s,), daemon=True).start()
        print("ready", flush=True)
        threading.Event().wait()
        """;

    private Process? _listener;

    public TargetsRig(params int[] listening)
    {
        RemoveStale();
        var name = $"{Prefix}{Environment.ProcessId}-{Random.Shared.Next(0x100000):x5}";
        App = name + "-app";
        Site = name + "-vms";
        try
        {
            Run("ip", "netns", "add", App);
            Run("ip", "netns", "add", Site);
            Run("ip", "-n", App, "link", "set", "lo", "up");
            Run("ip", "-n", Site, "link", "set", "lo", "up");
            Run("ip", "-n", App, "link", "add", SiteInterface, "type", "veth", "peer", "name", "eth0", "netns", Site);
            Run("ip", "-n", App, "addr", "add", ApplianceAddress + "/24", "dev", SiteInterface);
            Run("ip", "-n", Site, "addr", "add", SiteAddress + "/24", "dev", "eth0");
            Run("ip", "-n", App, "link", "set", SiteInterface, "up");
            Run("ip", "-n", Site, "link", "set", "eth0", "up");
            var info = new ProcessStartInfo("ip", ["netns", "exec", Site, "/usr/bin/python3", "-c", ListenerScript, .. listening.Select(p => p.ToString())])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            _listener = Process.Start(info)!;
            var ready = _listener.StandardOutput.ReadLineAsync();
            if (!ready.Wait(TimeSpan.FromSeconds(30)) || ready.Result != "ready")
                throw new InvalidOperationException("the site listeners did not start: " + _listener.StandardError.ReadToEnd());
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The appliance's namespace (the host runs in it).</summary>
    public string App { get; }

    /// <summary>The VMS site's namespace (the listeners run in it).</summary>
    public string Site { get; }

    /// <summary>nmap TCP connect scan from the appliance's namespace (so the appliance's output chain applies): port -> state.</summary>
    public IReadOnlyDictionary<int, string> ScanFromAppliance(params int[] ports)
    {
        var output = Run("ip", "netns", "exec", App, "/usr/bin/nmap", "-Pn", "-n", "-sT", "-T4", "--max-retries", "1", "--host-timeout", "60s",
            "-p", string.Join(",", ports), "-oG", "-", SiteAddress);
        return PortState().Matches(output).ToDictionary(m => int.Parse(m.Groups[1].Value), m => m.Groups[2].Value);
    }

    /// <summary>The nftables table the host applied in its namespace (empty text when there is none).</summary>
    public string AppliedTable()
    {
        try
        {
            return Run("ip", "netns", "exec", App, "nft", "list", "table", "inet", "appliance");
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        if (_listener is { HasExited: false })
        {
            _listener.Kill(entireProcessTree: true);
            _listener.WaitForExit(5000);
        }
        _listener?.Dispose();
        TryRun("ip", "netns", "del", App);
        TryRun("ip", "netns", "del", Site);
    }

    public static string Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} did not finish");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: {stdout.Result}{stderr.Result}");
        return stdout.Result;
    }

    private static void TryRun(string file, params string[] arguments)
    {
        try
        {
            Run(file, arguments);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Deletes appl-test-tgt-&lt;pid&gt;-* namespaces whose pid no longer runs (left by a crashed run).</summary>
    private static void RemoveStale()
    {
        foreach (var line in Run("ip", "netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (name.StartsWith(Prefix, StringComparison.Ordinal) && int.TryParse(name[Prefix.Length..].Split('-')[0], out var pid) && !Directory.Exists($"/proc/{pid}"))
                TryRun("ip", "netns", "del", name);
        }
    }

    [GeneratedRegex(@"(\d+)/([a-z|]+)/tcp")]
    private static partial Regex PortState();
}
