using Appliance.Abstractions;
using System.Globalization;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Xml;
using Appliance.Plugins.Shared.OnvifTime;

namespace Appliance.Plugins.Onvif.Protocol.Device;

/// <summary>
/// Device management service (ONVIF Core Specification, section "Device management";
/// WSDL http://www.onvif.org/ver10/device/wsdl): requests and response parsers.
/// </summary>
public static class DeviceMessages
{
    public static XElement GetSystemDateAndTime() => new(Ns.Tds + "GetSystemDateAndTime");

    public static XElement GetDeviceInformation() => new(Ns.Tds + "GetDeviceInformation");

    public static XElement GetCapabilities() =>
        new(Ns.Tds + "GetCapabilities", new XElement(Ns.Tds + "Category", "All"));

    public static XElement GetServices(bool includeCapability = false) =>
        new(Ns.Tds + "GetServices", new XElement(Ns.Tds + "IncludeCapability", includeCapability ? "true" : "false"));

    /// <summary>
    /// The camera's UTC time from GetSystemDateAndTimeResponse/SystemDateAndTime/UTCDateTime, read by the one reader the
    /// network doctor uses too (shared source plugins/Shared/OnvifTime); its failures come back as
    /// <see cref="ErrorKind.UnexpectedMessage"/> with the reader's message.
    /// </summary>
    public static Result<DateTimeOffset> ParseSystemDateAndTime(XElement response)
    {
        if (response.Name != Ns.Tds + "GetSystemDateAndTimeResponse")
            return Unexpected<DateTimeOffset>(response, "GetSystemDateAndTimeResponse");
        return OnvifSystemDateAndTime.Read(response).TryGetValue(out var time, out var failure)
            ? time.UtcDateTime
            : Result<DateTimeOffset>.Fail(ErrorKind.UnexpectedMessage, failure.Message);
    }

    public static Result<DeviceInformation> ParseDeviceInformation(XElement response)
    {
        if (response.Name != Ns.Tds + "GetDeviceInformationResponse")
            return Unexpected<DeviceInformation>(response, "GetDeviceInformationResponse");
        string Text(string name) => response.ChildText(Ns.Tds + name) ?? "";
        var info = new DeviceInformation(Text("Manufacturer"), Text("Model"), Text("FirmwareVersion"), Text("SerialNumber"), Text("HardwareId"));
        if (info.Manufacturer.Length == 0 && info.Model.Length == 0)
            return Result<DeviceInformation>.Fail(ErrorKind.UnexpectedMessage, "GetDeviceInformationResponse has neither Manufacturer nor Model");
        return info;
    }

    public static Result<IReadOnlyList<ServiceEntry>> ParseServices(XElement response)
    {
        if (response.Name != Ns.Tds + "GetServicesResponse")
            return Unexpected<IReadOnlyList<ServiceEntry>>(response, "GetServicesResponse");
        var services = new List<ServiceEntry>();
        foreach (var service in response.Elements(Ns.Tds + "Service"))
        {
            var ns = service.ChildText(Ns.Tds + "Namespace");
            var xaddr = ParseHttpUri(service.ChildText(Ns.Tds + "XAddr"));
            if (string.IsNullOrEmpty(ns) || xaddr is null) continue;
            var version = service.Element(Ns.Tds + "Version");
            int.TryParse(version?.ChildText(Ns.Tt + "Major"), CultureInfo.InvariantCulture, out var major);
            int.TryParse(version?.ChildText(Ns.Tt + "Minor"), CultureInfo.InvariantCulture, out var minor);
            services.Add(new ServiceEntry(ns, xaddr, major, minor));
        }
        if (services.Count == 0)
            return Result<IReadOnlyList<ServiceEntry>>.Fail(ErrorKind.UnexpectedMessage, "GetServicesResponse lists no service with a usable XAddr");
        return services;
    }

    public static Result<DeviceCapabilities> ParseCapabilities(XElement response)
    {
        if (response.Name != Ns.Tds + "GetCapabilitiesResponse")
            return Unexpected<DeviceCapabilities>(response, "GetCapabilitiesResponse");
        var caps = response.Element(Ns.Tds + "Capabilities");
        if (caps is null)
            return Result<DeviceCapabilities>.Fail(ErrorKind.UnexpectedMessage, "GetCapabilitiesResponse has no Capabilities");
        Uri? XAddr(string category) => ParseHttpUri(caps.Element(Ns.Tt + category)?.ChildText(Ns.Tt + "XAddr"));
        var events = caps.Element(Ns.Tt + "Events");
        var pullPoint = string.Equals(events?.ChildText(Ns.Tt + "WSPullPointSupport"), "true", StringComparison.OrdinalIgnoreCase);
        var rtpTcp = caps.Element(Ns.Tt + "Media")?.Element(Ns.Tt + "StreamingCapabilities")?.ChildText(Ns.Tt + "RTP_RTSP_TCP");
        return new DeviceCapabilities(XAddr("Device"), XAddr("Media"), XAddr("PTZ"), XAddr("Events"), pullPoint,
            string.Equals(rtpTcp, "true", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An absolute http(s) URI, or null.</summary>
    public static Uri? ParseHttpUri(string? text) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : null;

    internal static Result<T> Unexpected<T>(XElement response, string expected) =>
        Result<T>.Fail(ErrorKind.UnexpectedMessage,
            $"expected {expected}, got {response.Name.LocalName} in namespace {response.Name.NamespaceName}");

}
