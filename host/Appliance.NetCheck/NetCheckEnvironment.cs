using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Stun;
using DnsClient;

namespace Appliance.NetCheck;

/// <summary>
/// The seams of the doctor: where sockets come from, how names resolve, which certificates are trusted, the local
/// clock and the STUN retransmission schedule. <see cref="Default"/> is what the appliance uses.
/// </summary>
public sealed record NetCheckEnvironment(
    ISocketFactory Sockets,
    TlsTrust Trust,
    TimeProvider Clock,
    StunRetransmission StunRetransmission)
{
    public static NetCheckEnvironment Default { get; } =
        new(new DefaultSocketFactory(), TlsTrust.System, TimeProvider.System, StunRetransmission.Default);

    /// <summary>A DnsClient lookup client for the configured DNS server (or the system's servers), without cache.</summary>
    public static ILookupClient LookupClientFor(NetworkDoctorSettings settings)
    {
        var options = settings.DnsServer is { } server
            ? new LookupClientOptions(new NameServer(server))
            : new LookupClientOptions();
        options.UseCache = false;
        options.Timeout = TimeSpan.FromSeconds(2);
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        options.ContinueOnEmptyResponse = false;
        return new LookupClient(options);
    }
}
