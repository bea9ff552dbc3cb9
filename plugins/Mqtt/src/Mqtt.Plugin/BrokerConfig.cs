using System.Security.Cryptography;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Mqtt.Protocol;
using Appliance.Plugins.Shared;
using MQTTnet.Protocol;

namespace Appliance.Plugins.Mqtt;

/// <summary>The plugin's configuration (host-resolved, so every key is present) read into broker settings.</summary>
internal static class BrokerConfig
{
    /// <summary>The settings, or null while no broker is configured (<c>host</c> empty).</summary>
    public static Result<BrokerSettings?> Read(JsonElement config, string dataDirectory)
    {
        var host = Text(config, "host");
        if (host.Length == 0) return Result<BrokerSettings?>.Ok(null);
        var pin = CertificatePin.Parse(Text(config, "certificateSha256"));
        if (!pin.IsOk) return pin.Failure!;
        var tls = config.GetProperty("tls").GetBoolean();
        if (pin.Value is not null && !tls) return new Failure("malformed", "certificateSha256 is set but tls is false: a pin needs TLS");
        var clientId = Text(config, "clientId");
        var user = Text(config, "username");
        return new BrokerSettings(
            host,
            config.GetProperty("port").GetInt32(),
            tls,
            pin.Value is { } p ? p.Matches : null,
            user.Length == 0 ? null : user,
            Text(config, "password"),
            clientId.Length > 0 ? clientId : StableClientId(dataDirectory),
            (MqttQualityOfServiceLevel)config.GetProperty("qos").GetInt32(),
            config.GetProperty("retain").GetBoolean(),
            TimeSpan.FromSeconds(config.GetProperty("timeoutSeconds").GetInt32()));
    }

    /// <summary><c>appliance-</c> and 12 random hex digits, chosen on the first start and kept in the data directory.</summary>
    public static string StableClientId(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "client-id");
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } kept) return kept;
        var chosen = "appliance-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        Directory.CreateDirectory(dataDirectory);
        File.WriteAllText(path, chosen);
        return chosen;
    }

    private static string Text(JsonElement config, string name) =>
        config.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
