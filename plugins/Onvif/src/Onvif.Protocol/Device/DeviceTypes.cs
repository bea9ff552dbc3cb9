namespace Appliance.Plugins.Onvif.Protocol.Device;

/// <summary>GetDeviceInformationResponse (ONVIF Core, Device management / System).</summary>
public sealed record DeviceInformation(string Manufacturer, string Model, string FirmwareVersion, string SerialNumber, string HardwareId);

/// <summary>One entry of GetServicesResponse: a service namespace, where it lives, and its version.</summary>
public sealed record ServiceEntry(string Namespace, Uri XAddr, int Major, int Minor);

/// <summary>Where a device's services live, from GetServices (preferred) or GetCapabilities.</summary>
public sealed record ServiceAddresses(Uri Device, Uri? Media, Uri? Media2, Uri? Ptz, Uri? Events, bool PullPointSupported)
{
    public static ServiceAddresses FromServices(Uri device, IReadOnlyList<ServiceEntry> services)
    {
        Uri? Lookup(string ns) => services.FirstOrDefault(s => s.Namespace == ns)?.XAddr;
        return new ServiceAddresses(
            Lookup(Xml.Ns.Tds.NamespaceName) ?? device,
            Lookup(Xml.Ns.Trt.NamespaceName),
            Lookup(Xml.Ns.Tr2.NamespaceName),
            Lookup(Xml.Ns.Tptz.NamespaceName),
            Lookup(Xml.Ns.Tev.NamespaceName),
            PullPointSupported: Lookup(Xml.Ns.Tev.NamespaceName) is not null);
    }
}

/// <summary>GetCapabilitiesResponse, reduced to the services this client uses.</summary>
public sealed record DeviceCapabilities(Uri? Device, Uri? Media, Uri? Ptz, Uri? Events, bool PullPointSupported, bool RtpRtspTcp)
{
    public ServiceAddresses ToAddresses(Uri device) =>
        new(Device ?? device, Media, null, Ptz, Events, PullPointSupported);
}
