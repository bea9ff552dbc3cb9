using Appliance.Abstractions;
using Appliance.Abstractions.Services;
using Appliance.Isolation.Wire;

namespace Appliance.PluginHost;

/// <summary>HostApi 1.1 services through the host: settings, secrets, user verification, metrics.</summary>
internal sealed class RemoteSettings(HostLink host) : IHostSettings
{
    public HostSettingsSnapshot Current => host.Call<HostSettingsSnapshot>(Ops11.Settings, new { });
}

internal sealed class RemoteSecrets(HostLink host) : IPluginSecrets
{
    public Task<string?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        host.CallAsync<string?>(Ops11.SecretGet, new SecretArgs(name, null), cancellationToken);

    public Task SetAsync(string name, string value, CancellationToken cancellationToken = default) =>
        host.CallAsync(Ops11.SecretSet, new SecretArgs(name, value), cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        host.CallAsync<bool>(Ops11.SecretDelete, new SecretArgs(name, null), cancellationToken);

    public async Task<IReadOnlyList<string>> NamesAsync(CancellationToken cancellationToken = default) =>
        await host.CallAsync<List<string>>(Ops11.SecretNames, new { }, cancellationToken);
}

internal sealed class RemoteUsers(HostLink host) : IUserVerifier
{
    public Task<Result<VerifiedUser>> VerifyPasswordAsync(string user, string password, CancellationToken cancellationToken = default) =>
        host.CallResultAsync<VerifiedUser>(Ops11.VerifyPassword, new PasswordArgs(user, password), cancellationToken);

    public Task<Result<DigestCredential>> GetDigestHa1Async(string user, string realm, DigestAlgorithm algorithm, CancellationToken cancellationToken = default) =>
        host.CallResultAsync<DigestCredential>(Ops11.DigestHa1, new DigestArgs(user, realm, algorithm), cancellationToken);
}

/// <summary>Metrics live on the host (it exports /metrics); each update is one notification.</summary>
/// <summary>Data use: checked here as the host checks it (so a bug throws in the plugin), then sent to the host.</summary>
internal sealed class RemoteDataUse(HostLink host) : IDataUse
{
    public void Record(string category, long bytes)
    {
        if (!DataUseCategories.All.Contains(category, StringComparer.Ordinal))
            throw new ArgumentException($"data-use category '{category}' is not one of {string.Join(", ", DataUseCategories.All)}", nameof(category));
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes > 0) host.Notify(Ops11.DataUse, new DataUseArgs(category, bytes));
    }
}

internal sealed class RemoteMetrics(HostLink host) : IPluginMetrics
{
    public IMetricCounter Counter(string name, string help, params string[] labelNames) => new Metric(host, "counter", name, help, labelNames, null);

    public IMetricGauge Gauge(string name, string help, params string[] labelNames) => new Metric(host, "gauge", name, help, labelNames, null);

    public IMetricHistogram Histogram(string name, string help, IReadOnlyList<double> buckets, params string[] labelNames) =>
        new Metric(host, "histogram", name, help, labelNames, buckets.ToArray());

    private sealed class Metric(HostLink host, string kind, string name, string help, string[] labels, double[]? buckets)
        : IMetricCounter, IMetricGauge, IMetricHistogram
    {
        public void Add(double delta, params ReadOnlySpan<string> labelValues)
        {
            if (delta < 0) throw new ArgumentException("a counter only goes up", nameof(delta));
            Send(delta, labelValues);
        }

        public void Set(double value, params ReadOnlySpan<string> labelValues) => Send(value, labelValues);

        public void Record(double value, params ReadOnlySpan<string> labelValues) => Send(value, labelValues);

        private void Send(double value, ReadOnlySpan<string> labelValues)
        {
            if (labelValues.Length != labels.Length)
                throw new ArgumentException($"{name} has {labels.Length} labels, got {labelValues.Length} values");
            host.Notify(Ops11.Metric, new MetricArgs(kind, name, help, labels, buckets, value, labelValues.ToArray()));
        }
    }
}
