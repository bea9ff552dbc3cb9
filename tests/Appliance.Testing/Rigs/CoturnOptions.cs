using System.Net;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>How a test wants its <see cref="Coturn"/>: where it listens, what it serves, and where it runs.</summary>
public sealed record CoturnOptions
{
    /// <summary>A STUN-only server with the alternate port on <paramref name="listeningIps"/> (two of them give RFC 5780).</summary>
    public static CoturnOptions Stun(params IPAddress[] listeningIps) => new() { ListeningIps = listeningIps, AlternatePort = true, StunOnly = true };

    /// <summary>The addresses it listens on; the first is <see cref="Coturn.Primary"/>. Two addresses plus <see cref="AlternatePort"/> give RFC 5780 (OTHER-ADDRESS, CHANGE-REQUEST).</summary>
    public IReadOnlyList<IPAddress> ListeningIps { get; init; } = [IPAddress.Loopback];

    /// <summary>Also listen on a second free port (<c>--alt-listening-port</c>), for RFC 5780.</summary>
    public bool AlternatePort { get; init; }

    /// <summary>STUN only (<c>-S</c>): no TURN allocations.</summary>
    public bool StunOnly { get; init; }

    /// <summary>Long-term credential realm; with <see cref="Users"/> turns on <c>--lt-cred-mech</c>.</summary>
    public string? Realm { get; init; }

    /// <summary>Static TURN users (name to password), given with <c>--user</c>.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string>();

    /// <summary>The address relayed traffic leaves from (<c>--relay-ip</c>); null lets coturn choose.</summary>
    public IPAddress? RelayIp { get; init; }

    /// <summary>The UDP port range of relay allocations (<c>--min-port</c>/<c>--max-port</c>); null is coturn's default.</summary>
    public (int Min, int Max)? RelayPorts { get; init; }

    /// <summary>Also serve TURN over TLS (<c>--tls-listening-port</c>) with this PEM certificate and key; null: no TLS (<c>--no-tls</c>).</summary>
    public (string Certificate, string Key)? Tls { get; init; }

    /// <summary>Nonces expire after this many seconds (<c>--stale-nonce</c>), so requests after it get 438 Stale Nonce; null: coturn's default.</summary>
    public int? StaleNonceSeconds { get; init; }

    /// <summary>Concurrent allocations one user may hold (<c>--user-quota</c>); more are refused with 486.</summary>
    public int? UserQuota { get; init; }

    /// <summary>Allow relaying to loopback peers (<c>--allow-loopback-peers</c>).</summary>
    public bool AllowLoopbackPeers { get; init; }

    /// <summary>Run inside this network namespace (<c>ip netns exec</c>).</summary>
    public string? Netns { get; init; }

    /// <summary>
    /// Makes the UDP socket the readiness probe sends its STUN Binding request from (e.g. one created inside
    /// <see cref="Netns"/>); null is a plain socket of this process.
    /// </summary>
    public Func<AddressFamily, Socket>? ProbeSocket { get; init; }

    /// <summary>How long it may take to answer its first STUN Binding request.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
