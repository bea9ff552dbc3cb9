using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Appliance.NetCheck.Onvif;

/// <summary>What a device said in GetSystemDateAndTimeResponse (ONVIF Core, device management; schema tt:SystemDateTime).</summary>
public sealed record OnvifSystemDateAndTime(string DateTimeType, bool DaylightSavings, string? TimeZone, DateTimeOffset UtcDateTime);

/// <summary>
/// ONVIF GetSystemDateAndTime over SOAP 1.2. The request needs no authentication (ONVIF Core lets clients call it
/// before authenticating, to learn the device clock). Parsing never resolves DTDs or external entities and is
/// bounded in size.
/// </summary>
public static class OnvifDateTimeSoap
{
    public const string Soap12 = "http://www.w3.org/2003/05/soap-envelope";
    public const string DeviceWsdl = "http://www.onvif.org/ver10/device/wsdl";
    public const string Schema = "http://www.onvif.org/ver10/schema";
    public const string Action = DeviceWsdl + "/GetSystemDateAndTime";
    public const int MaxResponseLength = 64 * 1024;

    public static string ContentType => $"application/soap+xml; charset=utf-8; action=\"{Action}\"";

    public static string RequestEnvelope =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><s:Envelope xmlns:s=\"{Soap12}\"><s:Body><GetSystemDateAndTime xmlns=\"{DeviceWsdl}\"/></s:Body></s:Envelope>";

    public static bool TryParseResponse(string xml, [NotNullWhen(true)] out OnvifSystemDateAndTime? result, out string error)
    {
        result = null;
        if (xml.Length > MaxResponseLength)
        {
            error = $"SOAP response of {xml.Length} characters exceeds the {MaxResponseLength} limit";
            return false;
        }

        XDocument document;
        try
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                MaxCharactersInDocument = MaxResponseLength,
                MaxCharactersFromEntities = 0,
            };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            error = $"SOAP response is not acceptable XML: {ex.Message}";
            return false;
        }

        XNamespace s = Soap12, tds = DeviceWsdl, tt = Schema;
        var body = document.Root is { } root && root.Name == s + "Envelope" ? root.Element(s + "Body") : null;
        if (body is null)
        {
            error = $"not a SOAP 1.2 envelope (root element {document.Root?.Name})";
            return false;
        }

        if (body.Element(s + "Fault") is { } fault)
        {
            var code = fault.Element(s + "Code")?.Element(s + "Value")?.Value ?? "?";
            var subcode = fault.Element(s + "Code")?.Element(s + "Subcode")?.Element(s + "Value")?.Value;
            var reason = fault.Element(s + "Reason")?.Elements(s + "Text").FirstOrDefault()?.Value ?? "(no reason)";
            error = $"SOAP fault {code}{(subcode is null ? string.Empty : "/" + subcode)}: {reason.Trim()}";
            return false;
        }

        var info = body.Element(tds + "GetSystemDateAndTimeResponse")?.Element(tds + "SystemDateAndTime");
        if (info is null)
        {
            error = "SOAP body has no tds:GetSystemDateAndTimeResponse/tds:SystemDateAndTime";
            return false;
        }

        var utc = info.Element(tt + "UTCDateTime");
        if (utc is null)
        {
            error = "the device reports no tt:UTCDateTime (only local time): its clock cannot be compared";
            return false;
        }

        var date = utc.Element(tt + "Date");
        var time = utc.Element(tt + "Time");
        if (!TryInt(date, tt + "Year", 1970, 9999, out var year, out error)
            || !TryInt(date, tt + "Month", 1, 12, out var month, out error)
            || !TryInt(date, tt + "Day", 1, 31, out var day, out error)
            || !TryInt(time, tt + "Hour", 0, 23, out var hour, out error)
            || !TryInt(time, tt + "Minute", 0, 59, out var minute, out error)
            || !TryInt(time, tt + "Second", 0, 61, out var second, out error))
        {
            return false;
        }

        if (day > DateTime.DaysInMonth(year, month))
        {
            error = $"UTCDateTime date {year}-{month}-{day} does not exist";
            return false;
        }

        var utcTime = new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), TimeSpan.Zero);
        result = new OnvifSystemDateAndTime(
            info.Element(tt + "DateTimeType")?.Value.Trim() ?? "(unspecified)",
            string.Equals(info.Element(tt + "DaylightSavings")?.Value.Trim(), "true", StringComparison.OrdinalIgnoreCase),
            info.Element(tt + "TimeZone")?.Element(tt + "TZ")?.Value.Trim(),
            utcTime);
        error = string.Empty;
        return true;
    }

    private static bool TryInt(XElement? parent, XName name, int min, int max, out int value, out string error)
    {
        value = 0;
        var text = parent?.Element(name)?.Value.Trim();
        if (text is null)
        {
            error = $"UTCDateTime lacks {name.LocalName}";
            return false;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"UTCDateTime {name.LocalName} '{Net.ResponseHead.Printable(text)}' is not a number in {min}..{max}";
            return false;
        }

        error = string.Empty;
        return true;
    }
}
