using System.Security.Cryptography.X509Certificates;
using MQTTnet.Protocol;

namespace Appliance.Plugins.Mqtt.Protocol;

/// <summary>
/// Where and how to publish. <paramref name="AcceptCertificate"/> replaces the system's CAs when set (a pinned
/// self-signed broker); <paramref name="Timeout"/> bounds connecting (TCP, TLS, CONNACK) and each acknowledgement.
/// </summary>
public sealed record BrokerSettings(
    string Host,
    int Port,
    bool Tls,
    Func<X509Certificate?, bool>? AcceptCertificate,
    string? Username,
    string? Password,
    string ClientId,
    MqttQualityOfServiceLevel Qos,
    bool Retain,
    TimeSpan Timeout)
{
    public override string ToString() => $"{(Tls ? "mqtts" : "mqtt")}://{Host}:{Port}";
}
