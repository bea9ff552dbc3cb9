using Appliance.Abstractions;
using Appliance.CloudLink;
using Appliance.Host.Configuration;

namespace Appliance.Host.Cloud;

/// <summary>Turns <c>appliance.cloud</c> (and the footprint's cloud broker) into the link's settings, or says what is missing.</summary>
public static class CloudSettings
{
    public static Result<CloudLinkSettings> From(CloudOptions cloud, HostNetworkOptions network, CloudIdentity identity)
    {
        var deviceId = DeviceIdOf(cloud);
        if (!Topics.IsTopicLevel(deviceId)) return new Failure("malformed", $"cloud.deviceId '{deviceId}' cannot be a topic level (no '/', '+', '#', spaces)");
        if (!Topics.IsTopicLevel(cloud.TopicPrefix)) return new Failure("malformed", $"cloud.topicPrefix '{cloud.TopicPrefix}' cannot be a topic level");
        var texts = cloud.Brokers.Count > 0
            ? cloud.Brokers
            : network.CloudMqttFqdn is { Length: > 0 } fqdn ? [$"{fqdn}:{network.CloudMqttPort}"] : [];
        if (texts.Count == 0) return new Failure("not-provisioned", "no broker: set cloud.brokers or network.cloudMqttFqdn");
        var brokers = new List<BrokerAddress>();
        foreach (var text in texts)
        {
            var broker = BrokerAddress.Parse(text);
            if (!broker.TryGetValue(out var address, out var failure)) return new Failure(failure.Code, $"cloud.brokers: {failure.Message}");
            brokers.Add(address);
        }
        var tls = TlsMaterial.Load(cloud.CaFile, identity.CertificatePath, identity.KeyPath);
        if (!tls.TryGetValue(out var material, out var tlsFailure))
            return tlsFailure.Code == "not-provisioned" && !File.Exists(identity.CertificatePath)
                ? new Failure("not-provisioned", $"no device certificate yet: set cloud.enrolment (EST) or upload one for the request at GET /api/v1/cloud/csr ({tlsFailure.Message})")
                : tlsFailure;
        return new CloudLinkSettings(deviceId!, brokers, material, cloud.TopicPrefix)
        {
            KeepAlive = TimeSpan.FromSeconds(Math.Clamp(cloud.KeepAliveSeconds, 1, 3600)),
            MaxBackoff = TimeSpan.FromSeconds(Math.Clamp(cloud.MaxBackoffSeconds, 1, 3600)),
            InitialBackoff = TimeSpan.FromSeconds(Math.Min(1, Math.Clamp(cloud.MaxBackoffSeconds, 0.1, 3600))),
            // wss:// brokers go through the site's proxy (network.proxy, host:port) when there is one.
            Proxy = string.IsNullOrWhiteSpace(network.Proxy) ? null : new Uri($"http://{network.Proxy.Trim()}"),
        };
    }

    /// <summary>The device id: <c>cloud.deviceId</c>, else the machine id, else the host name.</summary>
    public static string DeviceIdOf(CloudOptions cloud) => cloud.DeviceId ?? MachineId();

    private static string MachineId()
    {
        try
        {
            var id = File.Exists("/etc/machine-id") ? File.ReadAllText("/etc/machine-id").Trim() : "";
            return id.Length > 0 ? id : Environment.MachineName;
        }
        catch (IOException)
        {
            return Environment.MachineName;
        }
    }
}
