using Appliance.Abstractions;
using Appliance.Core.PluginRepository;
using Appliance.Host.Configuration;
using Appliance.Host.Plugins;
using Appliance.PluginRepository;
using Microsoft.Extensions.Options;

namespace Appliance.Host.PluginRepository;

/// <summary>
/// The signed plugin catalog: fetches the repository's index through the configured transport (proxy, CA, bandwidth,
/// time limits), accepts it only when its signature verifies with a trusted key, it has not expired and its serial is
/// not older than the last one seen (kept in SQLite); installs and updates plugins from it: the package is downloaded
/// (resumed with Range), its size and SHA-256 checked against the index, and only then handed to the plugin manager,
/// whose transactional hot swap and grace-period rollback apply as to any new version.
/// </summary>
public sealed class PluginCatalogService : IDisposable
{
    private readonly PluginRepositoryOptions _options;
    private readonly TransportSettings _transport;
    private readonly PluginManager _manager;
    private readonly RepositorySerialStore _serials;
    private readonly CatalogProgress _progress;
    private readonly TimeProvider _time;
    private readonly ILogger<PluginCatalogService> _log;
    private readonly string _downloads;
    private readonly SemaphoreSlim _installs = new(1, 1);
    private readonly Lazy<HttpClient> _http;

    public PluginCatalogService(IOptions<ApplianceOptions> options, PluginManager manager, RepositorySerialStore serials, CatalogProgress progress, TimeProvider time, ILogger<PluginCatalogService> log)
    {
        _options = options.Value.Plugins.Repository;
        _transport = Transport(options.Value);
        _manager = manager;
        _serials = serials;
        _progress = progress;
        _time = time;
        _log = log;
        _downloads = options.Value.DataPath("downloads");
        _http = new Lazy<HttpClient>(() => RepositoryHttp.Create(_transport));
    }

    /// <summary>The transport settings from the host configuration (<c>plugins.repository</c>, <c>network.proxy*</c>).</summary>
    public static TransportSettings Transport(ApplianceOptions options)
    {
        var repo = options.Plugins.Repository;
        return Proxied(options.Network) with
        {
            TrustedCaFile = repo.TrustedCaFile,
            BytesPerSecond = repo.BandwidthBytesPerSecond,
            Timeout = TimeSpan.FromSeconds(repo.TimeoutSeconds),
            Stall = TimeSpan.FromSeconds(repo.StallSeconds),
            AllowPlainHttp = repo.AllowPlainHttp,
        };
    }

    /// <summary>Direct, or through the site's proxy (<c>network.proxy</c>, <c>host:port</c> or a URL) with its credentials.</summary>
    public static TransportSettings Proxied(HostNetworkOptions network)
    {
        Uri? proxy = null;
        if (network.Proxy is { Length: > 0 } p)
            proxy = Uri.TryCreate(p.Contains("://") ? p : "http://" + p, UriKind.Absolute, out var u) ? u : null;
        return new TransportSettings { Proxy = proxy, ProxyUser = network.ProxyUsername, ProxyPassword = network.ProxyPassword };
    }

    private RepositoryClient Client => new(_http.Value, _transport, _time);

    /// <summary>The verified index's channel with what installing each package would do.</summary>
    public async Task<Result<CatalogView>> GetAsync(CancellationToken ct)
    {
        var fetched = await FetchAsync(ct);
        if (!fetched.IsOk) return fetched.Failure!;
        var (repository, verified) = fetched.Value;
        var index = verified.Index.Value;
        var host = ManifestAdapter.HostApiVersion;
        var entries = new List<CatalogEntry>();
        foreach (var line in RepositoryFacade.Lines(index, _options.Channel, _options.HardwareModel, host.Major, host.Minor))
        {
            var p = line.Package;
            var installed = InstalledVersion(p.Id);
            string action;
            if (!line.Fits) action = "unfit";
            else
            {
                var plan = RepositoryFacade.Plan(index, _options.Channel, p.Id, p.Version, _options.HardwareModel, host.Major, host.Minor, installed, false);
                action = plan.Refusal is { } r ? (r.Code == "up-to-date" ? "installed" : r.Code) : plan.Action;
            }
            entries.Add(new CatalogEntry(p.Id, p.Version, p.HostApi, p.Hardware, p.Size, p.Sha256, installed, action, line.Unfit));
        }
        return new CatalogView(repository.ToString(), _options.Channel, _options.HardwareModel,
            RepositoryFacade.Serial(index), RepositoryFacade.Published(index), RepositoryFacade.Expires(index),
            verified.KeyName, entries, _progress.All());
    }

    public IReadOnlyList<InstallProgress> Progress() => _progress.All();

    /// <summary>
    /// Installs plugin <paramref name="id"/> from the catalog (<paramref name="update"/>: it must be installed; else it
    /// must not be): the given version or the newest that fits. A downgrade or the same version needs
    /// <paramref name="force"/>. Ok: the plugin's status after the swap; a version that failed and was rolled back is a
    /// failure <c>rolled-back</c>.
    /// </summary>
    public async Task<Result<PluginStatus>> InstallAsync(string id, string? version, bool force, bool update, CancellationToken ct)
    {
        await _installs.WaitAsync(ct);
        try
        {
            var fetched = await FetchAsync(ct);
            if (!fetched.IsOk) return fetched.Failure!;
            var (repository, verified) = fetched.Value;
            var installed = InstalledVersion(id);
            if (update && installed is null) return new Failure("not-installed", $"{id} is not installed; install it first");
            if (!update && installed is not null) return new Failure("installed", $"{id} {installed} is already installed; update it instead");
            var host = ManifestAdapter.HostApiVersion;
            var plan = RepositoryFacade.Plan(verified.Index.Value, _options.Channel, id, version, _options.HardwareModel, host.Major, host.Minor, installed, force);
            if (plan.Refusal is { } refusal) return new Failure(refusal.Code, refusal.Message);
            var package = plan.Chosen;
            var part = Path.Combine(_downloads, $"{package.Sha256}.part");
            _progress.Set(id, package.Version, "downloading", 0, package.Size);
            var reporter = new ProgressSink(this, id, package.Version);
            var downloaded = await Client.DownloadAsync(new Uri(repository, package.Url), package.Size, package.Sha256, part, reporter, ct);
            if (!downloaded.IsOk)
            {
                _progress.Set(id, package.Version, "failed", reporter.Last.Received, package.Size, downloaded.Failure!.Message);
                _log.LogWarning("Catalog {Action} of {Plugin} {Version} failed: {Failure}", plan.Action, id, package.Version, downloaded.Failure);
                return downloaded.Failure;
            }
            _progress.Set(id, package.Version, "installing", package.Size, package.Size);
            Result<PluginStatus> result;
            await using (var stream = File.OpenRead(downloaded.Value))
                result = await _manager.InstallVerifiedAsync(stream, ct, (package.Id, package.Version));
            File.Delete(downloaded.Value);
            var outcome = Outcome(result, package.Version);
            _progress.Set(id, package.Version, outcome.IsOk ? "done" : "failed", package.Size, package.Size, outcome.IsOk ? plan.Action : outcome.Failure!.Message);
            _log.LogInformation("Catalog {Action} of {Plugin} {Version} (signed by {Key}): {Outcome}", plan.Action, id, package.Version, verified.KeyName,
                outcome.IsOk ? "running" : outcome.Failure!.ToString());
            return outcome;
        }
        finally
        {
            _installs.Release();
        }
    }

    private static Result<PluginStatus> Outcome(Result<PluginStatus> result, string version)
    {
        if (!result.TryGetValue(out var status, out var notDone)) return new Failure(PluginRefusal.RefusedCode, notDone.Message);
        if (status.Version == version && status.State == PluginState.Running) return status;
        if (status.LastUpdate is { } last && last.StartsWith("rolled back", StringComparison.Ordinal)) return new Failure("rolled-back", last);
        if (status.LastUpdate is { } refused && refused.StartsWith("refused", StringComparison.Ordinal)) return new Failure("refused", refused);
        return new Failure("failed", $"{status.Id} {status.Version} is {status.State.ToString().ToLowerInvariant()}: {status.Error}");
    }

    private string? InstalledVersion(string id) => _manager.Get(id) is { Version: not "?" } s ? s.Version : null;

    private async Task<Result<(Uri Repository, VerifiedIndex Index)>> FetchAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(_options.Url)) return new Failure("not-configured", "no plugin repository is configured (plugins.repository.url)");
        var baseUri = RepositoryClient.BaseUri(_options.Url, _transport.AllowPlainHttp);
        if (!baseUri.IsOk) return baseUri.Failure!;
        var (keys, problems) = TrustRoots.Load(_options.TrustDirectory);
        foreach (var problem in problems) _log.LogWarning("Plugin repository trust: {Problem}", problem);
        var verified = await Client.FetchIndexAsync(baseUri.Value, keys, ct);
        if (!verified.IsOk)
        {
            _log.LogWarning("Plugin repository {Url}: {Failure}", baseUri.Value, verified.Failure);
            return verified.Failure!;
        }
        var repository = baseUri.Value.ToString();
        var index = verified.Value.Index.Value;
        var stale = RepositoryFacade.CheckFreshness(index, _time.GetUtcNow(), _serials.Last(repository));
        if (stale is { } refusal)
        {
            _log.LogWarning("Plugin repository {Url}: {Refusal}", repository, refusal);
            return new Failure(refusal.Code, refusal.Message);
        }
        _serials.Record(repository, RepositoryFacade.Serial(index), _time.GetUtcNow());
        return (baseUri.Value, verified.Value);
    }

    /// <summary>Download progress into <see cref="CatalogProgress"/> (synchronously, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class ProgressSink(PluginCatalogService owner, string id, string version) : IProgress<DownloadProgress>
    {
        public DownloadProgress Last { get; private set; }

        public void Report(DownloadProgress value)
        {
            Last = value;
            owner._progress.Set(id, version, "downloading", value.Received, value.Total);
        }
    }

    public void Dispose()
    {
        if (_http.IsValueCreated) _http.Value.Dispose();
        _installs.Dispose();
    }
}
