using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Appliance.Api.Tests.Support;
using Appliance.Testing;

namespace Appliance.Network.Tests.Support;

/// <summary>
/// The dev rig, a real host child process whose network settings point ONLY at the rig's loopback peers (names
/// under appliance.test, resolved by the rig's dnsmasq: the doctor never asks the system resolver), the rig's
/// camera added through the cameras API, and an appliancectl config logged in to the host.
/// </summary>
public sealed class NetworkHostFixture : IAsyncLifetime
{
    public const string CameraName = "Rig camera";
    public const string UpdatesFqdn = "updates." + DevRig.Domain;
    public const string MissingFqdn = "gone." + DevRig.MissingDomain;
    public const string MqttFqdn = "mqtt." + DevRig.Domain;
    public const string NtpFqdn = "ntp." + DevRig.Domain;
    public const string StunFqdn = "stun." + DevRig.Domain;

    public DevRig Rig { get; private set; } = null!;

    public HostProcess Host { get; private set; } = null!;

    public Appliancectl Cli { get; private set; } = null!;

    public string Work { get; } = Directory.CreateTempSubdirectory("appl-netcli-").FullName;

    public string CameraId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Rig = await DevRig.StartAsync();
        Host = await HostProcess.StartAsync(appliance: new JsonObject { ["network"] = NetworkSection(Rig) });
        await Host.LoginAsync();
        using var added = await Host.Client.PostAsJsonAsync("/api/v1/cameras", new { name = CameraName, streamUri = Rig.CameraUri });
        added.EnsureSuccessStatusCode();
        CameraId = (await added.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        Cli = await Appliancectl.LoggedInAsync(Host, Path.Combine(Work, "config", "config.json"));
    }

    /// <summary>Every target loopback: NTP, updates and MQTT names under appliance.test, the doctor's DNS/STUN/NTP on the rig.</summary>
    public static JsonObject NetworkSection(DevRig rig) => new()
    {
        ["ntpServers"] = new JsonArray(NtpFqdn),
        ["updateFqdns"] = new JsonArray(UpdatesFqdn, MissingFqdn),
        ["cloudMqttFqdn"] = MqttFqdn,
        ["firewall"] = new JsonObject { ["enforce"] = false, ["confirmTimeoutSeconds"] = 10 },
        ["doctor"] = new JsonObject
        {
            ["dnsServer"] = $"127.0.0.1:{rig.DnsPort}",
            ["ntpServer"] = $"{NtpFqdn}:{rig.NtpPort}",
            ["stunServer"] = $"{StunFqdn}:{rig.StunPort}",
            ["perCheckTimeoutSeconds"] = 10,
        },
    };

    public async Task DisposeAsync()
    {
        var data = Host?.DataDirectory;
        if (Host is not null) await Host.DisposeAsync();
        if (Rig is not null) await Rig.DisposeAsync();
        foreach (var dir in new[] { data, Work })
        {
            try
            {
                if (dir is not null && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class NetworkCollection : ICollectionFixture<NetworkHostFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "network";
}
