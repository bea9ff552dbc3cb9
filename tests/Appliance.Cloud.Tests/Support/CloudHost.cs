using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Cloud.Tests.Support;

/// <summary>The real host as a process with its cloud link pointed at a test mosquitto: device <c>dev-1</c>, short keep-alive.</summary>
public static class CloudHost
{
    public const string Device = "dev-1";

    public const string Plugin = "appliance.system-health";

    public static Task<HostProcess> StartAsync(TestPki pki, int brokerPort, string[] commands, string? dataDirectory = null) =>
        StartAsync(pki, [brokerPort], commands, dataDirectory);

    /// <param name="appliance">More sections of <c>appliance</c> (network, systemServices...).</param>
    /// <param name="plugins">Plugin projects bundled besides the system-health plugin.</param>
    public static Task<HostProcess> StartAsync(TestPki pki, IReadOnlyList<int> brokerPorts, string[] commands, string? dataDirectory = null,
        JsonObject? appliance = null, params string[] plugins)
    {
        var (cert, key) = pki.Client(Device);
        var settings = new JsonObject
        {
            ["cloud"] = new JsonObject
            {
                ["enabled"] = true,
                ["deviceId"] = Device,
                ["brokers"] = new JsonArray(brokerPorts.Select(p => (JsonNode)$"127.0.0.1:{p}").ToArray()),
                ["caFile"] = pki.CaPath,
                ["certificateFile"] = cert,
                ["keyFile"] = key,
                ["keepAliveSeconds"] = 2,
                ["maxBackoffSeconds"] = 1,
                ["telemetrySeconds"] = 1,
                ["commands"] = new JsonArray(commands.Select(c => (JsonNode)c).ToArray()),
            },
        };
        foreach (var (section, value) in appliance ?? [])
            settings[section] = value?.DeepClone();
        return HostProcess.StartAsync(dataDirectory, bundledPlugins: BundledPlugins.Stage(["plugins/SystemHealth/src/SystemHealth.Plugin", .. plugins]), appliance: settings);
    }
}
