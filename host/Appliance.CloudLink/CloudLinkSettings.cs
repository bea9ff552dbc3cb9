namespace Appliance.CloudLink;

/// <summary>What the connection needs, already validated by the host (see <see cref="TlsMaterial"/> for the files).</summary>
public sealed record CloudLinkSettings(
    string DeviceId,
    IReadOnlyList<BrokerAddress> Brokers,
    TlsMaterial Tls,
    string TopicPrefix = "appliance")
{
    /// <summary>MQTT keep-alive; the broker publishes the last will after 1.5 times this without a packet.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait after a failed connection; doubles up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The site's HTTP CONNECT proxy (<c>http://host:port</c>), used for <c>wss://</c> brokers; null: direct.</summary>
    public Uri? Proxy { get; init; }

    /// <summary>Commands larger than this are refused unread (<c>too-large</c>).</summary>
    public int MaxCommandBytes { get; init; } = 64 * 1024;

    public Topics Topics => new(TopicPrefix, DeviceId);
}
