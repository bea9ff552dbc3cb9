namespace Appliance.Host.PluginRepository;

/// <summary>The catalog as the API and portal show it: the verified index's channel, each package and what installing it would do.</summary>
public sealed record CatalogView(
    string Repository,
    string Channel,
    string HardwareModel,
    long Serial,
    DateTimeOffset Published,
    DateTimeOffset Expires,
    string SignedBy,
    IReadOnlyList<CatalogEntry> Packages,
    IReadOnlyList<InstallProgress> Progress);

/// <summary>
/// One package of the channel. <see cref="Action"/>: <c>install</c>, <c>update</c>, <c>installed</c> (that version
/// runs), <c>downgrade</c> (older than the installed one: needs force) or <c>unfit</c> (see <see cref="Unfit"/>).
/// </summary>
public sealed record CatalogEntry(
    string Id,
    string Version,
    string HostApi,
    IReadOnlyList<string> Hardware,
    long Size,
    string Sha256,
    string? Installed,
    string Action,
    string? Unfit);
