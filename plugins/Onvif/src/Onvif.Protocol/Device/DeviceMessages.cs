using Appliance.Abstractions;
using System.Globalization;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Xml;

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

    /// <summary>The camera's UTC time from GetSystemDateAndTimeResponse/SystemDateAndTime/UTCDateTime.</summary>
    public static Result<DateTimeOffset> ParseSystemDateAndTime(XElement response)
    {
        if (response.Name != Ns.Tds + "GetSystemDateAndTimeResponse")
            return Unexpected<DateTimeOffset>(response, "GetSystemDateAndTimeResponse");
        var utc = response.Element(Ns.Tds + "SystemDateAndTime")?.Element(Ns.Tt + "UTCDateTime");
        if (utc is null)
            return Result<DateTimeOffset>.Fail(ErrorKind.UnexpectedMessage, "GetSystemDateAndTimeResponse has no SystemDateAndTime/UTCDateTime");
        var date = utc.Element(Ns.Tt + "Date");
        var time = utc.Element(Ns.Tt + "Time");
        int? Part(XElement? parent, string name) =>
            int.TryParse(parent?.ChildText(Ns.Tt + name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        var (year, month, day) = (Part(date, "Year"), Part(date, "Month"), Part(date, "Day"));
        var (hour, minute, second) = (Part(time, "Hour"), Part(time, "Minute"), Part(time, "Second"));
        if (year is null || month is null || day is null || hour is null || minute is null || second is null)
            return Result<DateTimeOffset>.Fail(ErrorKind.UnexpectedMessage, "UTCDateTime lacks one of Year, Month, Day, Hour, Minute, Second");
        try
        {
            return new DateTimeOffset(year.Value, month.Value, day.Value, hour.Value, minute.Value, Math.Min(second.Value, 59), TimeSpan.Zero);
        }
        catch (ArgumentOutOfRangeException)
        {
            return Result<DateTimeOffset>.Fail(ErrorKind.UnexpectedMessage,
                $"UTCDateTime {year}-{month}-{day} {hour}:{minute}:{second} is not a valid date");
        }
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
