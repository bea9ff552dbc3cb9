using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Xml.Linq;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Services;

/// <summary>
/// The device service (ONVIF Core, ver10/device/wsdl). Without credentials (ONVIF access class PRE_AUTH):
/// GetSystemDateAndTime, GetCapabilities, GetServices (service addresses only). Viewer: GetDeviceInformation, GetScopes.
/// Operator: GetNetworkInterfaces.
/// </summary>
public sealed class DeviceService(FacadeSettings settings, string serialNumber, TimeProvider time, Func<IReadOnlyList<NetworkInterface>> interfaces)
{
    public static readonly string FirmwareVersion = typeof(DeviceService).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    public IEnumerable<Operation> Operations() =>
    [
        Operation.Sync(Ns.Tds + "GetSystemDateAndTime", null, _ => SystemDateAndTime()),
        Operation.Sync(Ns.Tds + "GetDeviceInformation", UserRole.Viewer, _ => DeviceInformation()),
        Operation.Sync(Ns.Tds + "GetCapabilities", null, c => Capabilities(c.Endpoint)),
        Operation.Sync(Ns.Tds + "GetServices", null, c => Services(c.Endpoint)),
        Operation.Sync(Ns.Tds + "GetScopes", UserRole.Viewer, _ => Scopes()),
        Operation.Sync(Ns.Tds + "GetNetworkInterfaces", UserRole.Operator, _ => NetworkInterfaces()),
    ];

    private XElement SystemDateAndTime()
    {
        var now = time.GetUtcNow().UtcDateTime;
        XElement Stamp(string name) => new(Ns.Tt + name,
            new XElement(Ns.Tt + "Time", new XElement(Ns.Tt + "Hour", now.Hour), new XElement(Ns.Tt + "Minute", now.Minute), new XElement(Ns.Tt + "Second", now.Second)),
            new XElement(Ns.Tt + "Date", new XElement(Ns.Tt + "Year", now.Year), new XElement(Ns.Tt + "Month", now.Month), new XElement(Ns.Tt + "Day", now.Day)));
        return new XElement(Ns.Tds + "GetSystemDateAndTimeResponse",
            new XElement(Ns.Tds + "SystemDateAndTime",
                new XElement(Ns.Tt + "DateTimeType", "NTP"),
                new XElement(Ns.Tt + "DaylightSavings", "false"),
                new XElement(Ns.Tt + "TimeZone", new XElement(Ns.Tt + "TZ", "UTC0")),
                Stamp("UTCDateTime"),
                Stamp("LocalDateTime")));
    }

    private XElement DeviceInformation() =>
        new(Ns.Tds + "GetDeviceInformationResponse",
            new XElement(Ns.Tds + "Manufacturer", "Appliance"),
            new XElement(Ns.Tds + "Model", settings.Name),
            new XElement(Ns.Tds + "FirmwareVersion", FirmwareVersion),
            new XElement(Ns.Tds + "SerialNumber", serialNumber),
            new XElement(Ns.Tds + "HardwareId", "appliance"));

    private static XElement Capabilities(FacadeEndpoint endpoint) =>
        new(Ns.Tds + "GetCapabilitiesResponse",
            new XElement(Ns.Tds + "Capabilities",
                new XElement(Ns.Tt + "Device",
                    new XElement(Ns.Tt + "XAddr", endpoint.Http(FacadeEndpoint.DevicePath)),
                    new XElement(Ns.Tt + "Network", new XElement(Ns.Tt + "IPFilter", "false"), new XElement(Ns.Tt + "ZeroConfiguration", "false"),
                        new XElement(Ns.Tt + "IPVersion6", "false"), new XElement(Ns.Tt + "DynDNS", "false")),
                    new XElement(Ns.Tt + "System", new XElement(Ns.Tt + "DiscoveryResolve", "false"), new XElement(Ns.Tt + "DiscoveryBye", "true"),
                        new XElement(Ns.Tt + "RemoteDiscovery", "false"), new XElement(Ns.Tt + "SystemBackup", "false"),
                        new XElement(Ns.Tt + "SystemLogging", "false"), new XElement(Ns.Tt + "FirmwareUpgrade", "false"),
                        new XElement(Ns.Tt + "SupportedVersions", new XElement(Ns.Tt + "Major", 2), new XElement(Ns.Tt + "Minor", 60))),
                    new XElement(Ns.Tt + "Security", new XElement(Ns.Tt + "TLS1.1", "false"), new XElement(Ns.Tt + "TLS1.2", "false"),
                        new XElement(Ns.Tt + "OnboardKeyGeneration", "false"), new XElement(Ns.Tt + "AccessPolicyConfig", "false"),
                        new XElement(Ns.Tt + "X.509Token", "false"), new XElement(Ns.Tt + "SAMLToken", "false"),
                        new XElement(Ns.Tt + "KerberosToken", "false"), new XElement(Ns.Tt + "RELToken", "false"))),
                new XElement(Ns.Tt + "Events",
                    new XElement(Ns.Tt + "XAddr", endpoint.Http(FacadeEndpoint.EventsPath)),
                    new XElement(Ns.Tt + "WSSubscriptionPolicySupport", "false"),
                    new XElement(Ns.Tt + "WSPullPointSupport", "true"),
                    new XElement(Ns.Tt + "WSPausableSubscriptionManagerInterfaceSupport", "false")),
                new XElement(Ns.Tt + "Media",
                    new XElement(Ns.Tt + "XAddr", endpoint.Http(FacadeEndpoint.MediaPath)),
                    new XElement(Ns.Tt + "StreamingCapabilities",
                        new XElement(Ns.Tt + "RTPMulticast", "false"),
                        new XElement(Ns.Tt + "RTP_TCP", "true"),
                        new XElement(Ns.Tt + "RTP_RTSP_TCP", "true")))));

    private static XElement Services(FacadeEndpoint endpoint)
    {
        XElement Service(XNamespace ns, string path, int major, int minor) =>
            new(Ns.Tds + "Service",
                new XElement(Ns.Tds + "Namespace", ns.NamespaceName),
                new XElement(Ns.Tds + "XAddr", endpoint.Http(path)),
                new XElement(Ns.Tds + "Version", new XElement(Ns.Tt + "Major", major), new XElement(Ns.Tt + "Minor", minor)));
        return new XElement(Ns.Tds + "GetServicesResponse",
            Service(Ns.Tds, FacadeEndpoint.DevicePath, 2, 60),
            Service(Ns.Trt, FacadeEndpoint.MediaPath, 2, 60),
            Service(Ns.Tr2, FacadeEndpoint.Media2Path, 2, 60),
            Service(Ns.Tev, FacadeEndpoint.EventsPath, 2, 60));
    }

    private XElement Scopes() =>
        new(Ns.Tds + "GetScopesResponse",
            Discovery.FacadeDiscoveryTarget.Scopes(settings).Select(s =>
                new XElement(Ns.Tds + "Scopes", new XElement(Ns.Tt + "ScopeDef", "Fixed"), new XElement(Ns.Tt + "ScopeItem", s))));

    private XElement NetworkInterfaces() =>
        new(Ns.Tds + "GetNetworkInterfacesResponse",
            interfaces().Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .Select(i =>
                {
                    var ipv4 = i.GetIPProperties().UnicastAddresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork);
                    var mac = i.GetPhysicalAddress().GetAddressBytes();
                    return new XElement(Ns.Tds + "NetworkInterfaces", new XAttribute("token", i.Name),
                        new XElement(Ns.Tt + "Enabled", "true"),
                        new XElement(Ns.Tt + "Info",
                            new XElement(Ns.Tt + "Name", i.Name),
                            new XElement(Ns.Tt + "HwAddress", string.Join(':', mac.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)))),
                            new XElement(Ns.Tt + "MTU", Mtu(i))),
                        ipv4 is null ? null : new XElement(Ns.Tt + "IPv4",
                            new XElement(Ns.Tt + "Enabled", "true"),
                            new XElement(Ns.Tt + "Config",
                                new XElement(Ns.Tt + "Manual", new XElement(Ns.Tt + "Address", ipv4.Address.ToString()), new XElement(Ns.Tt + "PrefixLength", ipv4.PrefixLength)),
                                new XElement(Ns.Tt + "DHCP", "false"))));
                }));

    private static int Mtu(NetworkInterface i)
    {
        try { return i.GetIPProperties().GetIPv4Properties()?.Mtu ?? 1500; }
        catch (NetworkInformationException) { return 1500; }
        catch (PlatformNotSupportedException) { return 1500; }
    }
}
