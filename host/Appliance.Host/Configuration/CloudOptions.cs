namespace Appliance.Host.Configuration;

/// <summary>
/// <c>appliance.cloud</c>: the outbound MQTT link to the fleet (docs/cloud-link.md). Off until provisioned: a CA
/// and a device certificate and key, on the data partition or from the provisioning file.
/// </summary>
public sealed class CloudOptions
{
    public bool Enabled { get; set; }

    /// <summary>The device id in topics and the MQTT client id; default: the machine id, else the host name.</summary>
    public string? DeviceId { get; set; }

    /// <summary>Brokers tried in turn (<c>host:port</c>); default: <c>network.cloudMqttFqdn:cloudMqttPort</c>.</summary>
    public List<string> Brokers { get; set; } = [];

    /// <summary>PEM of the fleet CA the broker's certificate must chain to (the system CAs are not used).</summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// PEM of the device certificate and its private key (mutual TLS). Default: <c>{data}/cloud/device.pem</c> and
    /// <c>device.key</c>, the key made on the device and the certificate from enrolment or an upload.
    /// </summary>
    public string? CertificateFile { get; set; }

    public string? KeyFile { get; set; }

    /// <summary>
    /// Where a provisioning file may wait at start (the data partition, a USB stick): the first one present whose
    /// content is new is imported (docs/cloud-link.md, "Provisioning").
    /// </summary>
    public List<string> ProvisioningFiles { get; set; } = [];

    /// <summary>Used when <see cref="ProvisioningFiles"/> is empty.</summary>
    public static readonly IReadOnlyList<string> DefaultProvisioningFiles = ["/etc/appliance/provisioning.json", "/media/appliance-usb/appliance-provisioning.json"];

    /// <summary>EST enrolment (RFC 7030) of the device's key when it has no certificate, and its renewal.</summary>
    public CloudEnrolmentOptions Enrolment { get; set; } = new();

    /// <summary>Days before the device certificate expires when it is renewed (re-enrolled with itself).</summary>
    public double RenewBeforeDays { get; set; } = 30;

    /// <summary>Minutes between checks of the device certificate (missing, expiring).</summary>
    public double ProvisioningCheckMinutes { get; set; } = 60;

    public string TopicPrefix { get; set; } = "appliance";

    public double TelemetrySeconds { get; set; } = 60;

    public double KeepAliveSeconds { get; set; } = 30;

    public double MaxBackoffSeconds { get; set; } = 60;

    /// <summary>How long an event waits for the link before its delivery is retried (the outbox keeps it meanwhile).</summary>
    public double EventWaitSeconds { get; set; } = 20;

    /// <summary>The passphrase of backups made by the schedule and by a <c>backup</c> command that names none (a secret: keep this file 0600).</summary>
    public string? BackupPassphrase { get; set; }

    /// <summary>Where the schedule uploads its backups (HTTPS, HTTP PUT); the cloud provides it.</summary>
    public string? BackupUrl { get; set; }

    /// <summary>Hours between scheduled backups; 0: no schedule.</summary>
    public double BackupIntervalHours { get; set; }

    /// <summary>The commands this appliance accepts from the fleet; anything else is answered <c>not-allowed</c>.</summary>
    public List<string> Commands { get; set; } = ["status"];
}

/// <summary><c>appliance.cloud.enrolment</c>: where the fleet's EST server is and the one-time token for the first enrolment.</summary>
public sealed class CloudEnrolmentOptions
{
    /// <summary>The EST base, e.g. <c>https://est.fleet.example/.well-known/est</c> (its certificate must chain to the fleet CA).</summary>
    public string? Url { get; set; }

    /// <summary>The one-time enrolment token (HTTP Basic password, the device id as user); used only while there is no certificate.</summary>
    public string? Token { get; set; }
}
