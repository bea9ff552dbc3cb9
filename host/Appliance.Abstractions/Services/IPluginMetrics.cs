namespace Appliance.Abstractions.Services;

/// <summary>
/// Prometheus metrics of one plugin, exported on <c>/metrics</c> as <c>appliance_plugin_&lt;name&gt;</c> with a
/// first label <c>plugin="&lt;id&gt;"</c>. Names: <c>[a-z][a-z0-9_]{0,62}</c>; label names likewise (not
/// <c>plugin</c>). Registering the same name again with the same kind, help and labels returns the same metric
/// (so a restarted plugin keeps counting); another kind or label set throws <see cref="ArgumentException"/>.
/// A metric's values disappear from the export when its plugin is uninstalled. Label values are passed in the
/// order of the label names; a wrong count throws <see cref="ArgumentException"/>.
/// </summary>
public interface IPluginMetrics
{
    /// <summary>A monotonically increasing count (exported with the <c>_total</c> suffix if the name lacks it).</summary>
    IMetricCounter Counter(string name, string help, params string[] labelNames);

    /// <summary>A value that goes up and down.</summary>
    IMetricGauge Gauge(string name, string help, params string[] labelNames);

    /// <summary>A distribution over the given upper bounds (ascending; +Inf is implied).</summary>
    IMetricHistogram Histogram(string name, string help, IReadOnlyList<double> buckets, params string[] labelNames);
}

public interface IMetricCounter
{
    /// <summary>Adds a non-negative <paramref name="delta"/> (a negative one throws).</summary>
    void Add(double delta, params ReadOnlySpan<string> labelValues);
}

public interface IMetricGauge
{
    void Set(double value, params ReadOnlySpan<string> labelValues);
}

public interface IMetricHistogram
{
    void Record(double value, params ReadOnlySpan<string> labelValues);
}
