using System.Net;
using Appliance.Core.Network;

namespace Appliance.Firewall;

/// <summary>A socket our process tree listens on that no footprint entry declares inbound.</summary>
/// <param name="Transport">"tcp" or "udp".</param>
/// <param name="Address">The local address it is bound to (0.0.0.0 / :: = every interface).</param>
/// <param name="Port">The local port.</param>
/// <param name="Inode">The kernel's socket inode.</param>
/// <param name="LoopbackOnly">Bound to loopback only: not reachable from the network, still undeclared.</param>
/// <param name="Pid">The process holding it, when known.</param>
/// <param name="Process">That process's command name, when known.</param>
public sealed record UndeclaredListener(
    string Transport, IPAddress Address, int Port, long Inode, bool LoopbackOnly, int? Pid, string? Process)
{
    /// <summary>A sentence for a health error: "udp 5000 on 0.0.0.0 (pid 42 python3) is not declared by any footprint".</summary>
    public override string ToString() =>
        $"{Transport} {Port} on {Address}{(Pid is { } p ? $" (pid {p} {Process})" : "")} is not declared by any footprint"
        + (LoopbackOnly ? " (loopback only)" : "");
}

/// <summary>The audit outcome: undeclared listeners, and problems reading /proc (unreadable fds, bad lines).</summary>
public sealed record SocketAuditReport(IReadOnlyList<UndeclaredListener> Undeclared, IReadOnlyList<string> Problems);

/// <summary>
/// Compares the sockets the process tree under a root pid really listens on (/proc/net/tcp, tcp6, udp, udp6 of the
/// root's network namespace, matched to the tree's /proc/&lt;pid&gt;/fd) with the declared footprint.
/// TCP counts when in LISTEN; UDP when bound and unconnected. Reads only; never throws for /proc content.
/// </summary>
public sealed class SocketAuditor(string procRoot = "/proc")
{
    /// <summary>Larger /proc/net files are read up to this size (the rest is reported as a problem).</summary>
    public const int MaxTableBytes = 32 * 1024 * 1024;

    private static readonly IReadOnlyList<SocketTable.ProcNetFile> Tables =
        Array.AsReadOnly([SocketTable.ProcNetFile.Tcp4, SocketTable.ProcNetFile.Tcp6, SocketTable.ProcNetFile.Udp4, SocketTable.ProcNetFile.Udp6]);

    /// <summary>Audits the tree under <paramref name="rootPid"/> against <paramref name="footprint"/> (inbound entries, any zone).</summary>
    public SocketAuditReport Audit(int rootPid, IEnumerable<ResolvedEntry> footprint)
    {
        var problems = new List<string>();
        var tree = NetworkFacade.Descendants(rootPid, ReadParents());
        var owners = new Dictionary<long, (int Pid, string Command)>();
        var commands = new Dictionary<int, string>();
        foreach (var (pid, command, _) in ReadStats()) commands[pid] = command;
        foreach (var pid in tree)
        {
            foreach (var inode in SocketInodes(pid, problems))
                owners.TryAdd(inode, (pid, commands.GetValueOrDefault(pid, "?")));
        }

        var sockets = new List<SocketTable.ProcSocket>();
        foreach (var table in Tables)
        {
            var path = Path.Combine(procRoot, rootPid.ToString(), "net", table.FileName);
            var text = ReadBounded(path, problems);
            if (text is null) continue;
            var parsed = SocketTable.parse(table, text);
            sockets.AddRange(parsed.Sockets);
            problems.AddRange(parsed.Problems.Select(p => $"{path} line {p.Line}: {p.Message}"));
        }

        var undeclared = NetworkFacade.Undeclared(footprint, owners.Keys, sockets)
            .Select(u =>
            {
                var found = owners.TryGetValue(u.Inode, out var owner);
                return new UndeclaredListener(
                    u.Transport.IsTcp ? "tcp" : "udp", u.LocalAddress, u.LocalPort, u.Inode, u.LoopbackOnly,
                    found ? owner.Pid : null, found ? owner.Command : null);
            })
            .ToList();
        return new SocketAuditReport(undeclared, problems);
    }

    private IEnumerable<(int Pid, string Command, int Parent)> ReadStats()
    {
        IEnumerable<string> dirs;
        try { dirs = Directory.EnumerateDirectories(procRoot).ToList(); }
        catch (IOException) { yield break; }
        catch (UnauthorizedAccessException) { yield break; }
        foreach (var dir in dirs)
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; } // the process ended meanwhile
            catch (UnauthorizedAccessException) { continue; }
            if (NetworkFacade.ParseStat(stat) is { } parsed) yield return (parsed.Pid, parsed.Command, parsed.Parent);
        }
    }

    private IEnumerable<(int, int)> ReadParents() =>
        ReadStats().Select(s => (s.Pid, s.Parent));

    private IEnumerable<long> SocketInodes(int pid, List<string> problems)
    {
        var fdDir = Path.Combine(procRoot, pid.ToString(), "fd");
        List<string> fds;
        try { fds = Directory.EnumerateFileSystemEntries(fdDir).ToList(); }
        catch (DirectoryNotFoundException) { yield break; } // the process ended meanwhile
        catch (IOException ex) { problems.Add($"{fdDir}: {ex.Message}"); yield break; }
        catch (UnauthorizedAccessException ex) { problems.Add($"{fdDir}: {ex.Message}"); yield break; }
        foreach (var fd in fds)
        {
            string? target;
            try { target = new FileInfo(fd).LinkTarget; }
            catch (IOException) { continue; } // the fd was closed meanwhile
            catch (UnauthorizedAccessException ex) { problems.Add($"{fd}: {ex.Message}"); continue; }
            if (target is null) continue;
            if (NetworkFacade.InodeOfFdLink(target) is { } inode) yield return inode;
        }
    }

    private static string? ReadBounded(string path, List<string> problems)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            // Grow as needed: /proc tables are usually a few KiB, and a 32 MiB buffer per read would sit in the heap.
            var text = new System.Text.StringBuilder();
            var chunk = new char[16 * 1024];
            int read;
            while ((read = reader.ReadBlock(chunk, 0, Math.Min(chunk.Length, MaxTableBytes - text.Length))) > 0)
            {
                text.Append(chunk, 0, read);
                if (text.Length >= MaxTableBytes)
                {
                    if (reader.Peek() >= 0)
                        problems.Add($"{path} is larger than {MaxTableBytes} bytes; only the first part was audited");
                    break;
                }
            }
            return text.ToString();
        }
        catch (FileNotFoundException) { return null; }        // e.g. tcp6 on a kernel without IPv6
        catch (DirectoryNotFoundException) { return null; }
        catch (IOException ex) { problems.Add($"{path}: {ex.Message}"); return null; }
        catch (UnauthorizedAccessException ex) { problems.Add($"{path}: {ex.Message}"); return null; }
    }
}
