namespace Appliance.Host.Configuration;

/// <summary>
/// The box's own services over D-Bus (<c>appliance.systemServices</c>): units, time, network settings, power, SSH.
/// Off by default so a development or test host without systemd and NetworkManager is not reported unhealthy; the
/// image's configuration turns it on.
/// </summary>
public sealed class SystemServicesOptions
{
    public bool Enabled { get; set; }

    /// <summary>The D-Bus address; empty: the system bus. Tests give a private bus.</summary>
    public string? BusAddress { get; set; }

    public double CallTimeoutSeconds { get; set; } = 10;

    /// <summary>How long a unit restart may take until systemd reports its job done.</summary>
    public double JobTimeoutSeconds { get; set; } = 60;

    /// <summary>The appliance's units shown in the service view. Empty: <see cref="DefaultUnits"/>. (Lists start empty: the binder appends to defaults.)</summary>
    public List<string> Units { get; set; } = [];

    /// <summary>The units a user may restart (each must also be in <see cref="Units"/>). Empty: <see cref="DefaultRestartableUnits"/>.</summary>
    public List<string> RestartableUnits { get; set; } = [];

    public static readonly IReadOnlyList<string> DefaultUnits =
        ["appliance.service", "systemd-timesyncd.service", "NetworkManager.service", "systemd-journald.service", "dbus.service"];

    public static readonly IReadOnlyList<string> DefaultRestartableUnits = ["systemd-timesyncd.service"];

    public IReadOnlyList<string> EffectiveUnits => Units.Count > 0 ? Units : DefaultUnits;

    public IReadOnlyList<string> EffectiveRestartableUnits =>
        (RestartableUnits.Count > 0 ? RestartableUnits : DefaultRestartableUnits).Where(EffectiveUnits.Contains).ToList();

    /// <summary>The timesyncd drop-in the appliance owns; <c>network.ntpServers</c> is written there.</summary>
    public string TimesyncdDropIn { get; set; } = "/etc/systemd/timesyncd.conf.d/appliance.conf";

    public string TimesyncdUnit { get; set; } = "systemd-timesyncd.service";

    /// <summary>Write the NTP servers and turn NTP on when the host starts.</summary>
    public bool ApplyTimeAtStart { get; set; } = true;

    /// <summary>Seconds between checks of the clock (sync state and an SNTP probe); 0: no checks.</summary>
    public double TimeCheckSeconds { get; set; } = 300;

    /// <summary>A clock this far from the SNTP probe's server is a health warning (TLS and ONVIF digests depend on it).</summary>
    public double ClockWarnSeconds { get; set; } = 60;

    /// <summary>Ask the first NTP server directly (SNTP) to measure the offset; off: only timedated's sync flag counts.</summary>
    public bool ClockProbe { get; set; } = true;

    /// <summary>What keeps the network settings: <c>networkmanager</c> (default) or <c>networkd</c> (systemd-networkd, the image's).</summary>
    public string NetworkBackend { get; set; } = "networkmanager";

    /// <summary>With <c>networkd</c>: where the appliance writes its <c>.network</c> files (the image: on the data partition).</summary>
    public string NetworkdDirectory { get; set; } = "/etc/systemd/network";

    /// <summary>A network settings change is reverted unless confirmed within this time.</summary>
    public double NetworkRevertSeconds { get; set; } = 120;

    /// <summary>The maintenance login over SSH, off by default.</summary>
    public SshOptions Ssh { get; set; } = new();

    public string JournalctlPath { get; set; } = "journalctl";

    public int JournalLines { get; set; } = 50;
}
