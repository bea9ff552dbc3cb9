namespace Appliance.Plugins.Rtsp.EndToEnd.Bench;

/// <summary>
/// CPU time and resident memory of processes read from <c>/proc</c>, as <c>top</c> and <c>ps</c> read them: user +
/// system time (fields 14 and 15 of <c>/proc/&lt;pid&gt;/stat</c>, in clock ticks) and <c>VmRSS</c> of
/// <c>/proc/&lt;pid&gt;/status</c>. A process that has gone counts nothing (its last figures are lost, so measure
/// only processes that live through the window).
/// </summary>
public static class ProcStat
{
    /// <summary>USER_HZ: 100 on every Linux architecture the appliance runs on (<c>getconf CLK_TCK</c>).</summary>
    public const double TicksPerSecond = 100;

    /// <summary>User + system CPU seconds of <paramref name="pid"/> and its live descendants (a plugin in its own process counts for the host).</summary>
    public static double CpuSecondsOfTree(int pid) => Tree(pid).Sum(CpuSeconds);

    /// <summary>Sum of the CPU seconds of several processes (each without descendants).</summary>
    public static double CpuSeconds(IEnumerable<int> pids) => pids.Sum(CpuSeconds);

    /// <summary>Resident set of <paramref name="pid"/> and its live descendants, bytes.</summary>
    public static long RssBytesOfTree(int pid) => Tree(pid).Sum(RssBytes);

    public static double CpuSeconds(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        if (stat is null) return 0;
        // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): utime (14) and stime (15) are fields[11] and fields[12].
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
    }

    public static long RssBytes(int pid)
    {
        var status = Read($"/proc/{pid}/status");
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        if (line is null) return 0;
        var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
        return long.Parse(kb) * 1024;
    }

    /// <summary><paramref name="root"/> and every live process below it (by the parent pid, field 4 of stat).</summary>
    public static IReadOnlyList<int> Tree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            var stat = Read(Path.Combine(dir, "stat"));
            if (stat is null) continue;
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            parents[pid] = int.Parse(fields[1]);
        }
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        return tree;
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended
        }
    }
}
