using System.Diagnostics;
using DnsClient;

namespace Appliance.NetCheck.Checks;

/// <summary>Resolves one required FQDN (A, then AAAA) through the configured DNS server.</summary>
public sealed class DnsResolutionCheck(string fqdn, ILookupClient lookup) : INetworkCheck
{
    public string Name => CheckNames.Dns;

    public string Target => fqdn;

    private string Servers => string.Join(", ", lookup.NameServers.Select(s => $"{s.Address}:{s.Port}"));

    public string TimeoutRemediation => $"Allow outbound UDP and TCP 53 from the appliance to the DNS server ({Servers}).";

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        if (fqdn.StartsWith("*.", StringComparison.Ordinal))
        {
            return new CheckResult(Name, Target, CheckStatus.Warn, null,
                "wildcard allowlist entry: DNS cannot test a wildcard",
                $"Allow TCP 443 to every host under {fqdn[2..]} in proxies and content filters (by name, not by IP).");
        }

        if (!HostNames.IsValid(fqdn))
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, null, $"'{HostNames.Printable(fqdn)}' is not a valid host name",
                "Correct the FQDN in the network requirements configuration; nothing was sent on UDP 53.");
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var v4 = await lookup.QueryAsync(fqdn, QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            var addresses = v4.Answers.ARecords().Select(a => a.Address.ToString()).ToList();
            var response = v4;
            if (!v4.HasError && addresses.Count == 0)
            {
                response = await lookup.QueryAsync(fqdn, QueryType.AAAA, QueryClass.IN, cancellationToken).ConfigureAwait(false);
                addresses.AddRange(response.Answers.AaaaRecords().Select(a => a.Address.ToString()));
            }

            var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (addresses.Count > 0)
            {
                return new CheckResult(Name, Target, CheckStatus.Pass, latency,
                    $"resolves to {string.Join(", ", addresses)} via {response.NameServer}", null);
            }

            var why = response.HasError ? $"{response.Header.ResponseCode} ({response.ErrorMessage})" : "no A or AAAA record";
            return new CheckResult(Name, Target, CheckStatus.Fail, latency,
                $"{fqdn} does not resolve: {why} from {response.NameServer}",
                $"Make {fqdn} resolvable through the DNS server on UDP/TCP 53 ({Servers}): a DNS filter may block it; allowlist the name.");
        }
        catch (DnsResponseException ex)
        {
            return new CheckResult(Name, Target, CheckStatus.Fail, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                $"DNS query for {fqdn} failed: {ex.Code} ({ex.Message})", TimeoutRemediation);
        }
    }
}
