using System.Text.Json;

namespace Appliance.Tools.Fleetctl;

/// <summary>"results 312/500 (ok 310, error 2) 1.4 s": redrawn in place on a terminal, a line a second otherwise, and a final line.</summary>
public sealed class ProgressLine(TextWriter stderr)
{
    private readonly bool _terminal = !Console.IsErrorRedirected && ReferenceEquals(stderr, Console.Error);
    private TimeSpan? _last;

    public void Show(ICollection<JsonElement> results, int total, TimeSpan elapsed)
    {
        if (_terminal)
        {
            if (_last is { } before && elapsed - before < TimeSpan.FromMilliseconds(100)) return;
            stderr.Write("\r" + Text(results, total, elapsed));
        }
        else
        {
            if (_last is { } before && elapsed - before < TimeSpan.FromSeconds(1)) return;
            stderr.WriteLine(Text(results, total, elapsed));
        }
        _last = elapsed;
    }

    public void Done(ICollection<JsonElement> results, int total, TimeSpan elapsed)
    {
        if (_terminal) stderr.Write("\r");
        stderr.WriteLine(Text(results, total, elapsed));
    }

    public static string Text(ICollection<JsonElement> results, int total, TimeSpan elapsed)
    {
        var ok = results.Count(r => r.TryGetProperty("status", out var s) && s.GetString() == "ok");
        return $"results {results.Count}/{total} (ok {ok}, error {results.Count - ok}) {elapsed.TotalSeconds:0.0} s";
    }
}
