using System.Diagnostics;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Support;

/// <summary>
/// A network namespace for the viewer, joined to the test's root namespace by a veth pair (root side
/// <see cref="ApplianceAddress"/>, namespace side <see cref="ViewerAddress"/>), with an nftables ruleset inside it.
/// Names start with <c>appl-webrtc-</c>; stale ones from an aborted run are removed first. Deleted on dispose.
/// </summary>
public sealed class ViewerNamespace : IDisposable
{
    private readonly string _rootLink;

    private ViewerNamespace(string name, string rootLink, string wrapper)
    {
        Name = name;
        _rootLink = rootLink;
        ChromiumWrapper = wrapper;
    }

    public string Name { get; }
    public string ApplianceAddress => "10.213.7.1";
    public string ViewerAddress => "10.213.7.2";

    /// <summary>An executable that runs Debian's chromium inside the namespace (for Playwright's ExecutablePath).</summary>
    public string ChromiumWrapper { get; }

    public static ViewerNamespace Create()
    {
        foreach (var stale in Run("ip", "netns list").Split('\n').Select(l => l.Split(' ')[0]).Where(n => n.StartsWith("appl-webrtc-", StringComparison.Ordinal)))
            Run("ip", $"netns delete {stale}", check: false);
        Run("ip", "link delete appl-wrtc-r", check: false);
        var name = "appl-webrtc-v" + Environment.ProcessId;
        Run("ip", $"netns add {name}");
        Run("ip", "link add appl-wrtc-r type veth peer name appl-wrtc-v");
        Run("ip", $"link set appl-wrtc-v netns {name}");
        Run("ip", "addr add 10.213.7.1/24 dev appl-wrtc-r");
        Run("ip", "link set appl-wrtc-r up");
        Run("ip", $"netns exec {name} ip addr add 10.213.7.2/24 dev appl-wrtc-v");
        Run("ip", $"netns exec {name} ip link set appl-wrtc-v up");
        Run("ip", $"netns exec {name} ip link set lo up");
        var wrapper = Path.Combine(Path.GetTempPath(), $"{name}-chromium.sh");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec /usr/sbin/ip netns exec {name} /usr/bin/chromium \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new ViewerNamespace(name, "appl-wrtc-r", wrapper);
    }

    /// <summary>Loads an nftables ruleset inside the namespace.</summary>
    public void Nft(string ruleset)
    {
        var file = Path.Combine(Path.GetTempPath(), $"{Name}.nft");
        File.WriteAllText(file, ruleset);
        Run("ip", $"netns exec {Name} nft -f {file}");
        File.Delete(file);
    }

    /// <summary>Packets the first counter of <paramref name="table"/> (family inet) counted inside the namespace.</summary>
    public long CounterPackets(string table)
    {
        var text = Run("ip", $"netns exec {Name} nft list table inet {table}");
        var m = System.Text.RegularExpressions.Regex.Match(text, @"counter packets (\d+)");
        return m.Success ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    public void Dispose()
    {
        Run("ip", $"netns delete {Name}", check: false);
        Run("ip", $"link delete {_rootLink}", check: false);
        File.Delete(ChromiumWrapper);
    }

    private static string Run(string file, string args, bool check = true)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (check && p.ExitCode != 0) throw new InvalidOperationException($"{file} {args}: {error}");
        return output;
    }
}
