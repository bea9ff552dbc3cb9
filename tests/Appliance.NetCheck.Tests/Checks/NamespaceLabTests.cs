using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Stun;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.NetCheck.Tests.Peers;
using Appliance.Testing;
using Xunit;

namespace Appliance.NetCheck.Tests.Checks;

/// <summary>
/// Real NATs and firewalls: the checks run from a client namespace behind an nftables NAT router, against peers in a
/// server namespace. NAT behaviour is cross-checked with coturn's own RFC 5780 client (turnutils_natdiscovery);
/// failures are made by dropping the peer's port with nftables in the client namespace.
/// </summary>
public sealed partial class NamespaceLabTests : IDisposable
{
    private static readonly StunRetransmission Fast = new(TimeSpan.FromMilliseconds(150), 3);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Endpoint_independent_nat_with_stateful_filtering_depends_on_the_viewer()
    {
        await using var lab = await NetworkLab.CreateAsync("masquerade");
        using var coturn = await StartCoturnAsync(lab);

        var outcome = await new NatBehaviorDiscovery(lab.ClientSockets, Fast).DiscoverAsync(coturn.Primary, CancellationToken.None);
        Assert.True(outcome.IsOk, outcome.Failure?.Message);
        Assert.Equal(NatMappingBehavior.EndpointIndependent, outcome.Value.Mapping);
        Assert.Equal(NatFilteringBehavior.AddressAndPortDependent, outcome.Value.Filtering);
        Assert.Equal(lab.RouterOutside, outcome.Value.MappedAddress.Address);
        Assert.Equal(await ReferenceDiscoveryAsync(lab, coturn), (outcome.Value.Mapping, outcome.Value.Filtering));

        var result = await Run.CheckAsync(StunCheck(lab, coturn));
        Assert.Equal(CheckStatus.Warn, result.Status);
        Assert.StartsWith("peer-to-peer video depends on the viewer's network", result.Detail, StringComparison.Ordinal);
        Assert.Contains("UDP 1024-65535", result.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Port_randomising_nat_needs_the_relay()
    {
        await using var lab = await NetworkLab.CreateAsync("masquerade random,fully-random");
        using var coturn = await StartCoturnAsync(lab);

        var outcome = await new NatBehaviorDiscovery(lab.ClientSockets, Fast).DiscoverAsync(coturn.Primary, CancellationToken.None);
        Assert.True(outcome.IsOk, outcome.Failure?.Message);
        Assert.Equal(NatMappingBehavior.AddressAndPortDependent, outcome.Value.Mapping);
        Assert.Equal((await ReferenceDiscoveryAsync(lab, coturn)).Mapping, outcome.Value.Mapping);

        var result = await Run.CheckAsync(StunCheck(lab, coturn));
        Assert.Equal(CheckStatus.Warn, result.Status);
        Assert.StartsWith("relay needed: the NAT uses endpoint-dependent (address-and-port-dependent) mapping", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stun_port_dropped_by_the_firewall_fails_with_remediation()
    {
        await using var lab = await NetworkLab.CreateAsync("masquerade");
        using var coturn = await StartCoturnAsync(lab);
        Assert.NotEqual(CheckStatus.Fail, (await Run.CheckAsync(StunCheck(lab, coturn))).Status);

        await lab.NftAsync(lab.Client, $$"""
            table inet appl_test_fw {
              chain output {
                type filter hook output priority filter; policy accept;
                udp dport {{coturn.Primary.Port}} drop
              }
            }
            """);
        var result = await Run.CheckAsync(StunCheck(lab, coturn));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.StartsWith("relay needed: UDP to the STUN server is blocked", result.Detail, StringComparison.Ordinal);
        Assert.Equal($"Allow outbound UDP {coturn.Primary.Port} to {lab.ServerPrimary}; without it video falls back to the relay (TCP 443).", result.Remediation);
    }

    [Fact]
    public async Task Mqtt_tls_port_dropped_by_the_firewall_fails_with_remediation()
    {
        await using var lab = await NetworkLab.CreateAsync("masquerade");
        var ca = await TestCertificates.CreateCaAsync(_dir, "lab");
        var (cert, key) = await ca.IssueServerAsync("mqtt.appliance.test", 365, "DNS:mqtt.appliance.test");
        using var mqtt = await MosquittoTls.StartAsync(_dir, cert, key, ca.CaCert, lab.Server, lab.ServerPrimary);
        var connector = new TcpConnector(lab.ClientSockets,
            new StaticResolver(new Dictionary<string, IPAddress> { ["mqtt.appliance.test"] = lab.ServerPrimary }));
        var check = new TlsEndpointCheck(new CloudEndpoint("mqtt.appliance.test", mqtt.Port, "MQTT cloud link"), connector,
            TlsTrust.CustomAnchors([ca.CaCertificate]), TimeProvider.System);
        var before = await Run.CheckAsync(check);
        Assert.True(before.Status == CheckStatus.Pass, before.Detail);

        await lab.NftAsync(lab.Client, $$"""
            table inet appl_test_fw {
              chain output {
                type filter hook output priority filter; policy accept;
                tcp dport {{mqtt.Port}} drop
              }
            }
            """);
        var result = await Run.CheckAsync(check, TimeSpan.FromSeconds(4));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Equal("no answer within 4 s", result.Detail);
        Assert.Equal($"Allow outbound TCP {mqtt.Port} to mqtt.appliance.test (MQTT cloud link).", result.Remediation);
    }

    private StunNatCheck StunCheck(NetworkLab lab, Coturn coturn)
        => new(new HostPort(coturn.Primary.Address.ToString(), coturn.Primary.Port), new SystemResolver(), lab.ClientSockets, Fast);

    private Task<Coturn> StartCoturnAsync(NetworkLab lab)
        => Coturn.StartAsync(CoturnOptions.Stun(lab.ServerPrimary, lab.ServerSecondary) with
        {
            Netns = lab.Server,
            ProbeSocket = family => new NamespaceSocketFactory(lab.Server).Create(family, SocketType.Dgram, ProtocolType.Udp),
        }, _dir.Path);

    /// <summary>coturn's turnutils_natdiscovery run from the client namespace: an independent RFC 5780 implementation.</summary>
    private static async Task<(NatMappingBehavior Mapping, NatFilteringBehavior Filtering)> ReferenceDiscoveryAsync(NetworkLab lab, Coturn coturn)
    {
        var (_, stdout, stderr) = await Proc.RunAsync("ip",
            ["netns", "exec", lab.Client, "turnutils_natdiscovery", "-m", "-f", coturn.Primary.Address.ToString(), "-p", coturn.Primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(60));
        var text = stdout + stderr;
        var mapping = MappingLine().Match(text);
        var filtering = FilteringLine().Match(text);
        Assert.True(mapping.Success && filtering.Success, text);
        return (mapping.Groups[1].Value switch
        {
            "Endpoint Independent" => NatMappingBehavior.EndpointIndependent,
            "Address Dependent" => NatMappingBehavior.AddressDependent,
            _ => NatMappingBehavior.AddressAndPortDependent,
        }, filtering.Groups[1].Value switch
        {
            "Endpoint Independent" => NatFilteringBehavior.EndpointIndependent,
            "Address Dependent" => NatFilteringBehavior.AddressDependent,
            _ => NatFilteringBehavior.AddressAndPortDependent,
        });
    }

    [GeneratedRegex("NAT with (.+) Mapping!")]
    private static partial Regex MappingLine();

    [GeneratedRegex("NAT with (.+) Filtering!")]
    private static partial Regex FilteringLine();
}
