using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Abstractions;
using Appliance.Core.Network;
using CoreFirewall = Appliance.Core.Network.Firewall;

namespace Appliance.Firewall;

/// <summary>One FQDN whose sets were refreshed, with the addresses now in them.</summary>
public sealed record FqdnSetUpdate(string Fqdn, IReadOnlyList<IPAddress> Addresses);

/// <summary>The outcome of a refresh: the FQDNs updated and one sentence per FQDN that failed.</summary>
public sealed record FqdnRefreshResult(IReadOnlyList<FqdnSetUpdate> Updated, IReadOnlyList<string> Errors)
{
    /// <summary>True when every FQDN resolved and its sets were updated.</summary>
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Fills the allowlist sets (<c>fqdn_&lt;name&gt;_v4/_v6</c>, from <c>Firewall.fqdnSets</c>) with the addresses an FQDN
/// resolves to. Each FQDN is updated in its own atomic nft batch: one that does not resolve keeps its previous addresses
/// and is reported by name; the others are still updated.
/// </summary>
public sealed class FqdnSetRefresher
{
    /// <summary>At most this many addresses per FQDN are put in its sets.</summary>
    public const int MaxAddresses = 256;

    private readonly NftRunner _nft;
    private readonly Func<string, CancellationToken, Task<IReadOnlyList<IPAddress>>> _resolve;

    /// <summary>Creates a refresher that resolves names with <paramref name="resolve"/> (e.g. <see cref="SystemResolver"/>).</summary>
    public FqdnSetRefresher(NftOptions options, Func<string, CancellationToken, Task<IReadOnlyList<IPAddress>>> resolve)
    {
        _nft = new NftRunner(options);
        _resolve = resolve;
    }

    /// <summary>Longest time one FQDN may take to resolve.</summary>
    public TimeSpan ResolveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The operating system's resolver (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>).</summary>
    public static async Task<IReadOnlyList<IPAddress>> SystemResolver(string fqdn, CancellationToken ct) =>
        await Dns.GetHostAddressesAsync(fqdn, ct).ConfigureAwait(false);

    /// <summary>Resolves every FQDN and replaces the contents of its two sets.</summary>
    public async Task<FqdnRefreshResult> RefreshAsync(IEnumerable<FirewallPlan.FqdnSet> sets, CancellationToken ct)
    {
        var updated = new List<FqdnSetUpdate>();
        var errors = new List<string>();
        foreach (var set in sets)
        {
            if (!IsSetName(set.SetV4) || !IsSetName(set.SetV6))
            {
                errors.Add($"FQDN {set.Fqdn}: set names {set.SetV4}/{set.SetV6} are not names the compiler produces");
                continue;
            }
            var resolved = await ResolveAsync(set.Fqdn, ct).ConfigureAwait(false);
            if (!resolved.TryGetValue(out var addresses, out var resolveFailure))
            {
                errors.Add($"FQDN {set.Fqdn} does not resolve ({resolveFailure.Message}); sets {set.SetV4}/{set.SetV6} keep their previous addresses");
                continue;
            }
            var updatedSets = await _nft.RunScriptAsync(Script(set, addresses), checkOnly: false, ct).ConfigureAwait(false);
            if (!updatedSets.TryGetValue(out var run, out var failure))
                errors.Add($"FQDN {set.Fqdn}: {failure.Message}; its sets keep their previous addresses");
            else if (!run.Succeeded)
                errors.Add($"FQDN {set.Fqdn}: {_nft.Where} could not update sets {set.SetV4}/{set.SetV6}: {run.Diagnostic()}");
            else
                updated.Add(new FqdnSetUpdate(set.Fqdn, addresses));
        }
        return new FqdnRefreshResult(updated, errors);
    }

    private async Task<Result<IReadOnlyList<IPAddress>>> ResolveAsync(string fqdn, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ResolveTimeout);
        try
        {
            var raw = await _resolve(fqdn, timeout.Token).ConfigureAwait(false);
            var addresses = raw
                .Select(a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)
                .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                .Select(a => new IPAddress(a.GetAddressBytes())) // drops an IPv6 scope id
                .Distinct()
                .OrderBy(a => a.AddressFamily).ThenBy(a => a.ToString(), StringComparer.Ordinal)
                .Take(MaxAddresses)
                .ToList();
            return addresses.Count == 0 ? Result<IReadOnlyList<IPAddress>>.Fail("not-found", "no addresses") : Result<IReadOnlyList<IPAddress>>.Ok(addresses);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Result<IReadOnlyList<IPAddress>>.Fail("timeout", $"no answer within {ResolveTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Result<IReadOnlyList<IPAddress>>.Fail("transport", ex.Message);
        }
    }

    private static bool IsSetName(string name) =>
        name.Length is > 0 and <= 80 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private static string Script(FirewallPlan.FqdnSet set, IReadOnlyList<IPAddress> addresses)
    {
        var sb = new StringBuilder();
        void Fill(string name, AddressFamily family)
        {
            sb.Append($"flush set inet {CoreFirewall.TableName} {name}\n");
            var elements = addresses.Where(a => a.AddressFamily == family).Select(a => a.ToString()).ToList();
            if (elements.Count > 0)
                sb.Append($"add element inet {CoreFirewall.TableName} {name} {{ {string.Join(", ", elements)} }}\n");
        }
        Fill(set.SetV4, AddressFamily.InterNetwork);
        Fill(set.SetV6, AddressFamily.InterNetworkV6);
        return sb.ToString();
    }
}
