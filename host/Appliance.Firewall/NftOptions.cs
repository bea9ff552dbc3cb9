namespace Appliance.Firewall;

/// <summary>How the firewall runs <c>nft</c>. Tests set <see cref="Netns"/> to run the same code inside a namespace.</summary>
public sealed record NftOptions
{
    /// <summary>Path of the nft binary.</summary>
    public string NftPath { get; init; } = "/usr/sbin/nft";

    /// <summary>Network namespace to run nft in (<c>ip netns exec &lt;Netns&gt; nft ...</c>); null = the current namespace.</summary>
    public string? Netns { get; init; }

    /// <summary>Path of the ip binary (only used with <see cref="Netns"/>).</summary>
    public string IpPath { get; init; } = "/usr/sbin/ip";

    /// <summary>Longest time one nft command may take before it is killed.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where ruleset files are written before <c>nft -f</c> (deleted afterwards).</summary>
    public string TempDirectory { get; init; } = Path.GetTempPath();
}
