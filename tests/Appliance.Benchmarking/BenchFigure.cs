using System.Globalization;

namespace Appliance.Benchmarking;

/// <summary>Which way a figure must go to meet its target.</summary>
public enum Better
{
    /// <summary>Met when value &lt;= target (time, CPU, memory, ratios to a reference that should stay small).</summary>
    Lower,

    /// <summary>Met when value &gt;= target (throughput, frames per second, recall).</summary>
    Higher,
}

/// <summary>
/// One measured figure, printed as the project's one benchmark line:
/// <c>bench: &lt;name&gt; &lt;value&gt; &lt;unit&gt; ratio &lt;r&gt; target &lt;t&gt; met|NOT met</c>.
/// The ratio is the value against the named reference measured in the same run (<c>-</c> when there is none);
/// the target applies to <see cref="Judged"/>: the ratio when the target is a ratio, else the value; a figure
/// without a target prints <c>target -</c>.
/// </summary>
public sealed record BenchFigure(string Name, double Value, string Unit, double? Ratio, double? Target, Better Better = Better.Lower, bool TargetIsRatio = false)
{
    public double Judged => TargetIsRatio ? Ratio ?? double.NaN : Value;

    /// <summary>A figure without a target is shown for information and never misses.</summary>
    public bool Met => Target is not { } t || (Better == Better.Lower ? Judged <= t : Judged >= t);

    /// <summary>The fixed line: names have no spaces (dashes instead) so the line splits on blanks.</summary>
    public string Line()
    {
        var name = Name.Replace(' ', '-');
        var ratio = Ratio is { } r ? Format(r) : "-";
        var target = Target is { } t ? (Better == Better.Lower ? "<=" : ">=") + Format(t) + (TargetIsRatio ? "x" : "") : "-";
        return $"bench: {name} {Format(Value)} {Unit} ratio {ratio} target {target} {(Met ? "met" : "NOT met")}";
    }

    private static string Format(double v) => v.ToString(Math.Abs(v) >= 100 ? "0.#" : "0.###", CultureInfo.InvariantCulture);
}
