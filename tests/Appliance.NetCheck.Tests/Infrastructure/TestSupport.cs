using System.Net;
using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Net;

namespace Appliance.NetCheck.Tests.Infrastructure;

/// <summary>Name resolution for tests that are not about DNS: fixed names to loopback (DNS itself is tested against dnsmasq).</summary>
public sealed class StaticResolver(IReadOnlyDictionary<string, IPAddress> names) : INameResolver
{
    public Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
        => IPAddress.TryParse(host, out var literal)
            ? Task.FromResult<IReadOnlyList<IPAddress>>([literal])
            : names.TryGetValue(host, out var address)
                ? Task.FromResult<IReadOnlyList<IPAddress>>([address])
                : throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound);
}

/// <summary>A clock that runs <paramref name="skew"/> ahead of (or behind) the real one: the appliance's "wrong" clock.</summary>
public sealed class SkewedClock(TimeSpan skew) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + skew;
}

public static class Run
{
    /// <summary>Runs one check the way the doctor does: under a timeout, failures as results.</summary>
    public static async Task<CheckResult> CheckAsync(INetworkCheck check, TimeSpan? timeout = null)
    {
        using var gate = new SemaphoreSlim(1);
        return await NetworkDoctor.RunOneAsync(check, gate, timeout ?? TimeSpan.FromSeconds(20), CancellationToken.None);
    }

    public static TcpConnector Loopback(params string[] names)
        => new(new DefaultSocketFactory(), new StaticResolver(names.ToDictionary(n => n, _ => IPAddress.Loopback)));
}
