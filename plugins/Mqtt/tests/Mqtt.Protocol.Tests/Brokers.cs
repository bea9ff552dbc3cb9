using Appliance.Plugins.Mqtt.Protocol;
using MQTTnet.Protocol;

namespace Appliance.Plugins.Mqtt.Tests;

/// <summary>Publisher settings for a test broker on 127.0.0.1, and a scratch folder per test.</summary>
public static class Brokers
{
    public static BrokerSettings Settings(int port, bool tls = false, string? pinSha256 = null, string? user = null, string? password = null,
        MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce, bool retain = false, double timeoutSeconds = 5) =>
        new("127.0.0.1", port, tls, pinSha256 is null ? null : c => c is not null && Convert.ToHexStringLower(c.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)) == pinSha256,
            user, password, "appliance-test-" + Guid.NewGuid().ToString("N")[..8], qos, retain, TimeSpan.FromSeconds(timeoutSeconds));

    public static string Folder(string name) => Directory.CreateTempSubdirectory($"mqtt-{name}-").FullName;

    public static readonly IReadOnlyList<(string Name, string Value)> NoProperties = [];
}
