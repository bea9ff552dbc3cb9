using System.Net;
using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Plugins.Onvif.Plugin.Facade;

/// <summary>
/// The ONVIF device facade's configuration (<c>facade.*</c> in plugin.json): where it listens, which RTSP port its
/// stream URIs name (the RTSP server plugin's <c>port</c>), and the identity it reports.
/// </summary>
public sealed record FacadeSettings(bool Enabled, int Port, IPAddress? BindAddress, int RtspPort, string Name, string Location, bool WsDiscovery)
{
    /// <summary>The Digest realm declared in the manifest's <c>digestRealms</c> (the RTSP server's too, so one HA1 serves both).</summary>
    public const string Realm = "appliance";

    public static Result<FacadeSettings> From(JsonElement config)
    {
        var bind = ConfigReader.Read(config, "facade.bindAddress", e => e.ValueKind == JsonValueKind.String ? e.GetString() : null) ?? "";
        IPAddress? address = null;
        if (bind.Length > 0 && !IPAddress.TryParse(bind, out address))
            return new Failure("invalid", $"facade.bindAddress '{bind}' is not an IP address");
        var port = ConfigReader.Read(config, "facade.port", ConfigReader.Int) ?? 8000;
        var rtspPort = ConfigReader.Read(config, "facade.rtspPort", ConfigReader.Int) ?? 554;
        if (port is < 1 or > 65535) return new Failure("invalid", $"facade.port {port} is outside 1-65535");
        if (rtspPort is < 1 or > 65535) return new Failure("invalid", $"facade.rtspPort {rtspPort} is outside 1-65535");
        return new FacadeSettings(
            ConfigReader.Read(config, "facade.enabled", ConfigReader.Bool) ?? true,
            port, address, rtspPort,
            ConfigReader.Read(config, "facade.name", e => e.ValueKind == JsonValueKind.String ? e.GetString() : null) ?? "Appliance",
            ConfigReader.Read(config, "facade.location", e => e.ValueKind == JsonValueKind.String ? e.GetString() : null) ?? "",
            ConfigReader.Read(config, "facade.wsDiscovery", ConfigReader.Bool) ?? true);
    }
}
