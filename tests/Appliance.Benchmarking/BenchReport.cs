namespace Appliance.Benchmarking;

/// <summary>
/// Collects a bench program's figures, prints each as it comes, and gives the exit code: 0 only when every
/// target is met. In a smoke run (<c>--smoke</c>, used by <c>./build.sh test</c>) figures are printed with
/// <c>smoke</c> instead of a verdict and never fail: the run proves the benchmark still works, not its numbers.
/// </summary>
public sealed class BenchReport(bool smoke, TextWriter? output = null)
{
    private readonly TextWriter _out = output ?? Console.Out;
    private readonly List<BenchFigure> _figures = [];

    public bool Smoke => smoke;

    public IReadOnlyList<BenchFigure> Figures => _figures;

    public static BenchReport FromArgs(string[] args) => new(args.Contains("--smoke"));

    public void Add(BenchFigure figure)
    {
        _figures.Add(figure);
        var line = figure.Line();
        _out.WriteLine(smoke ? line[..line.LastIndexOf(figure.Met ? " met" : " NOT met", StringComparison.Ordinal)] + " smoke" : line);
    }

    /// <summary>0 when every target is met (always in a smoke run), 1 otherwise, with the missed ones named.</summary>
    public int ExitCode()
    {
        if (smoke) return 0;
        var missed = _figures.Where(f => !f.Met).Select(f => f.Name).ToList();
        if (missed.Count > 0) _out.WriteLine($"bench: {missed.Count} target(s) NOT met: {string.Join(", ", missed)}");
        return missed.Count == 0 ? 0 : 1;
    }
}
