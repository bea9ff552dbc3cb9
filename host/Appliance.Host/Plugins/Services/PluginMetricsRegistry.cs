using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Appliance.Abstractions.Services;
using Prometheus;

namespace Appliance.Host.Plugins.Services;

/// <summary>
/// Plugin metrics on the host's Prometheus registry: families <c>appliance_plugin_&lt;name&gt;</c> with a first label
/// <c>plugin</c>. A family is shared by every plugin that registers the same name with the same shape.
/// </summary>
public sealed partial class PluginMetricsRegistry(CollectorRegistry registry)
{
    private readonly MetricFactory _factory = Prometheus.Metrics.WithCustomRegistry(registry);
    private readonly ConcurrentDictionary<string, (string Shape, Collector Collector)> _families = new();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex NamePattern();

    public IPluginMetrics For(string pluginId) => new View(this, pluginId);

    private T Family<T>(string kind, string name, string help, string[] labels, Func<string, string[], T> create) where T : Collector
    {
        if (name is null || !NamePattern().IsMatch(name)) throw new ArgumentException($"metric name '{name}' is not [a-z][a-z0-9_]{{0,62}}", nameof(name));
        foreach (var l in labels)
            if (l is null || !NamePattern().IsMatch(l) || l == "plugin") throw new ArgumentException($"label name '{l}' is not allowed", nameof(labels));
        var full = "appliance_plugin_" + name;
        var shape = kind + "|" + string.Join(",", labels);
        var entry = _families.GetOrAdd(full, _ => (shape, create(full, ["plugin", .. labels])));
        if (entry.Shape != shape) throw new ArgumentException($"metric '{name}' is already registered as {entry.Shape}", nameof(name));
        return (T)entry.Collector;
    }

    private static string[] Values(string pluginId, ReadOnlySpan<string> values, int expected)
    {
        if (values.Length != expected) throw new ArgumentException($"expected {expected} label values, got {values.Length}");
        var all = new string[values.Length + 1];
        all[0] = pluginId;
        values.CopyTo(all.AsSpan(1));
        return all;
    }

    private sealed class View(PluginMetricsRegistry owner, string pluginId) : IPluginMetrics
    {
        public IMetricCounter Counter(string name, string help, params string[] labelNames)
        {
            var exported = name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total";
            var family = owner.Family("counter", exported, help, labelNames, (n, l) => owner._factory.CreateCounter(n, help, l));
            return new CounterHandle(family, pluginId, labelNames.Length);
        }

        public IMetricGauge Gauge(string name, string help, params string[] labelNames)
        {
            var family = owner.Family("gauge", name, help, labelNames, (n, l) => owner._factory.CreateGauge(n, help, l));
            return new GaugeHandle(family, pluginId, labelNames.Length);
        }

        public IMetricHistogram Histogram(string name, string help, IReadOnlyList<double> buckets, params string[] labelNames)
        {
            ArgumentNullException.ThrowIfNull(buckets);
            var family = owner.Family("histogram:" + string.Join(",", buckets), name, help, labelNames,
                (n, l) => owner._factory.CreateHistogram(n, help, new HistogramConfiguration { LabelNames = l, Buckets = buckets.ToArray() }));
            return new HistogramHandle(family, pluginId, labelNames.Length);
        }
    }

    private sealed class CounterHandle(Counter family, string pluginId, int labels) : IMetricCounter
    {
        public void Add(double delta, params ReadOnlySpan<string> labelValues)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(delta);
            family.WithLabels(Values(pluginId, labelValues, labels)).Inc(delta);
        }
    }

    private sealed class GaugeHandle(Gauge family, string pluginId, int labels) : IMetricGauge
    {
        public void Set(double value, params ReadOnlySpan<string> labelValues) => family.WithLabels(Values(pluginId, labelValues, labels)).Set(value);
    }

    private sealed class HistogramHandle(Histogram family, string pluginId, int labels) : IMetricHistogram
    {
        public void Record(double value, params ReadOnlySpan<string> labelValues) => family.WithLabels(Values(pluginId, labelValues, labels)).Observe(value);
    }
}
