namespace Appliance.Testing;

/// <summary>Whether a process (e.g. an isolated plugin's child the test crashed) is gone, from /proc.</summary>
public static class ProcessLiveness
{
    /// <summary>True when <paramref name="pid"/> has no /proc entry or is a zombie (state Z: dead, not yet reaped).</summary>
    public static bool HasExited(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Waits (polling every 10 ms) until <paramref name="pid"/> has exited; the time it was seen gone.</summary>
    public static async Task<DateTimeOffset> DeathOfAsync(int pid, TimeSpan patience)
    {
        var deadline = DateTimeOffset.UtcNow + patience;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (HasExited(pid)) return DateTimeOffset.UtcNow;
            await Task.Delay(10);
        }
        throw new TimeoutException($"process {pid} still alive after {patience.TotalSeconds} s");
    }
}
