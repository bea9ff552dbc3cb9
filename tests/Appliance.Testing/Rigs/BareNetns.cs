using System.Diagnostics;

namespace Appliance.Testing;

/// <summary>
/// A network namespace of the test's own with only loopback up, for a host whose firewall must really be applied
/// without touching the test machine (<c>HostProcess.StartAsync(netns: ns.Name)</c>). Optionally an
/// <c>/etc/netns/NAME/hosts</c> (bind-mounted over /etc/hosts by <c>ip netns exec</c>: names resolve without DNS).
/// Deleted on dispose with everything in it.
/// </summary>
public sealed class BareNetns : IDisposable
{
    private BareNetns(string name) => Name = name;

    public string Name { get; }

    public static BareNetns Create(string prefix, string? hosts = null)
    {
        var ns = new BareNetns($"appl-{prefix}-{Environment.ProcessId}-{Random.Shared.Next(100000, 999999)}");
        Run("ip", $"netns add {ns.Name}");
        try
        {
            ns.Ip("link set lo up");
            if (hosts is not null)
            {
                Directory.CreateDirectory($"/etc/netns/{ns.Name}");
                File.WriteAllText($"/etc/netns/{ns.Name}/hosts", hosts);
            }
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary><c>ip -n NAME ...</c>; throws with the output when it fails.</summary>
    public string Ip(string arguments) => Run("ip", $"-n {Name} {arguments}");

    /// <summary>A command inside the namespace (<c>ip netns exec</c>); its output, or the failure's message as text.</summary>
    public string TryExec(string command)
    {
        try
        {
            return Run("ip", $"netns exec {Name} {command}");
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }

    public void Dispose()
    {
        try
        {
            Run("ip", $"netns del {Name}");
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        if (Directory.Exists($"/etc/netns/{Name}")) Directory.Delete($"/etc/netns/{Name}", recursive: true);
    }

    private static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments}: {output}");
        return output;
    }
}
