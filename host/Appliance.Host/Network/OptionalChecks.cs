using Appliance.Core.Manifest;
using Appliance.Core.Network;
using Appliance.NetCheck.Checks;

namespace Appliance.Host.Network;

/// <summary>
/// Marks the doctor's checks of targets that only optional footprint entries need (<c>required: false</c>, such as
/// the cloud link or an integration's server) as <see cref="CheckResult.Optional"/>. A name or endpoint that any
/// required entry also needs stays required; checks of configured targets (STUN, NTP, proxy, cameras) stay required.
/// </summary>
public static class OptionalChecks
{
    public static IReadOnlyList<CheckResult> Mark(IReadOnlyList<CheckResult> results, IEnumerable<ResolvedEntry> footprint)
    {
        var outbound = footprint
            .Where(e => e.Entry.Direction.IsOutbound && ManifestFacade.Fqdn(e.Entry) is not null)
            .Select(e => (Host: ManifestFacade.Fqdn(e.Entry)!.ToLowerInvariant(), Port: Plugins.ManifestAdapter.Range(e.Entry.Port).First, e.Entry.Required))
            .ToList();
        var optionalNames = outbound.GroupBy(e => e.Host).Where(g => g.All(e => !e.Required)).Select(g => g.Key).ToHashSet();
        var optionalEndpoints = outbound.GroupBy(e => $"{e.Host}:{e.Port}").Where(g => g.All(e => !e.Required)).Select(g => g.Key).ToHashSet();
        return results.Select(r => IsOptional(r, optionalNames, optionalEndpoints) ? r with { Optional = true } : r).ToList();
    }

    private static bool IsOptional(CheckResult result, HashSet<string> names, HashSet<string> endpoints)
    {
        var target = result.Target.ToLowerInvariant();
        return result.Name switch
        {
            CheckNames.Dns => names.Contains(target),
            CheckNames.Tls or CheckNames.TcpTarget => endpoints.Contains(target),
            CheckNames.ProxyConnect => target.LastIndexOf(" -> ", StringComparison.Ordinal) is var arrow and >= 0 && endpoints.Contains(target[(arrow + 4)..]),
            _ => false,
        };
    }
}
