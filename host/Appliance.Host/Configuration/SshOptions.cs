namespace Appliance.Host.Configuration;

/// <summary>
/// The maintenance login over SSH (<c>appliance.systemServices.ssh</c>): off by default. When on, the host writes the
/// keys to <see cref="AuthorizedKeysFile"/> (read by the image's sshd drop-in), starts <see cref="Unit"/> through
/// systemd, and the footprint declares 22/tcp in <see cref="Zones"/> (the firewall opens it there and nowhere else).
/// </summary>
public sealed class SshOptions
{
    public bool Enabled { get; set; }

    /// <summary>OpenSSH public key lines (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa of at least 3072 bits), no options.</summary>
    public List<string> AuthorizedKeys { get; set; } = [];

    /// <summary>The zones SSH is reachable from. Empty: the management zone (<c>network.managementZone</c>).</summary>
    public List<string> Zones { get; set; } = [];

    /// <summary>Where the keys are written; the image's sshd reads this file (AuthorizedKeysCommand).</summary>
    public string AuthorizedKeysFile { get; set; } = "/etc/appliance/ssh/authorized_keys";

    public string Unit { get; set; } = "ssh.service";

    /// <summary>Apply at start: write the keys and start or stop the unit.</summary>
    public bool ApplyAtStart { get; set; } = true;

    public IReadOnlyList<string> EffectiveZones(string managementZone) => Zones.Count > 0 ? Zones : [managementZone];
}
