using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace Appliance.NetCheck.Net;

/// <summary>Host name to addresses. IP literals never reach the resolver.</summary>
public interface INameResolver
{
    Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>Resolves through a DnsClient <see cref="ILookupClient"/> (pointed at a chosen DNS server), A then AAAA.</summary>
public sealed class LookupClientResolver(ILookupClient lookup) : INameResolver
{
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        var v4 = await lookup.QueryAsync(host, QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        var addresses = v4.Answers.ARecords().Select(a => a.Address).ToList();
        if (addresses.Count == 0)
        {
            var v6 = await lookup.QueryAsync(host, QueryType.AAAA, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            addresses.AddRange(v6.Answers.AaaaRecords().Select(a => a.Address));
        }

        if (addresses.Count == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        return addresses;
    }
}

/// <summary>The operating system's resolver (getaddrinfo).</summary>
public sealed class SystemResolver : INameResolver
{
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
        => IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
}
