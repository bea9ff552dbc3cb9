namespace Appliance.Host.Configuration;

/// <summary>
/// Image updates through RAUC (<c>appliance.imageUpdates</c>; needs <c>systemServices.enabled</c> for the bus): signed
/// bundles checked before RAUC sees them, installed into the inactive slot, and the booted slot marked good only once
/// the host is healthy after the reboot.
/// </summary>
public sealed class ImageUpdateOptions
{
    public bool Enabled { get; set; }

    /// <summary>The update CA's certificate (the image's RAUC keyring); bundles signed under another CA are refused.</summary>
    public string Keyring { get; set; } = "/etc/rauc/keyring.pem";

    public string RaucPath { get; set; } = "rauc";

    /// <summary>The running image's version (a file holding MAJOR.MINOR.PATCH, written by the image build).</summary>
    public string VersionFile { get; set; } = "/etc/appliance/image-version";

    /// <summary>After booting an update: mark the slot bad (the bootloader falls back) unless healthy within this time.</summary>
    public double MarkGoodDeadlineSeconds { get; set; } = 300;

    /// <summary>How often the health is looked at while a freshly booted slot waits for its verdict.</summary>
    public double BootCheckSeconds { get; set; } = 5;

    /// <summary>Reboot into the new slot once it is installed (off: the next reboot takes it).</summary>
    public bool RebootAfterInstall { get; set; }

    /// <summary>After marking a slot bad, reboot so the bootloader falls back at once.</summary>
    public bool RebootOnBadSlot { get; set; } = true;

    public double InstallTimeoutMinutes { get; set; } = 30;

    public long MaxBundleBytes { get; set; } = 4L * 1024 * 1024 * 1024;
}
