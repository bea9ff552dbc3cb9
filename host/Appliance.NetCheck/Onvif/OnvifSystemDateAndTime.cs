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

    /// <summary>The device's answer, or why it cannot be used: <c>too-large</c>, <c>malformed</c>, <c>fault</c> (a SOAP fault) or <c>no-utc</c>.</summary>
    public static Result<OnvifSystemDateAndTime> ParseResponse(string xml)
    {
        if (xml.Length > MaxResponseLength)
        {
            return Result<OnvifSystemDateAndTime>.Fail("too-large", $"SOAP response of {xml.Length} characters exceeds the {MaxResponseLength} limit");
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
            return Result<OnvifSystemDateAndTime>.Fail("malformed", $"SOAP response is not acceptable XML: {ex.Message}");
        }

        XNamespace s = Soap12, tds = DeviceWsdl, tt = Schema;
        var body = document.Root is { } root && root.Name == s + "Envelope" ? root.Element(s + "Body") : null;
        if (body is null)
        {
            return Result<OnvifSystemDateAndTime>.Fail("malformed", $"not a SOAP 1.2 envelope (root element {document.Root?.Name})");
        }

        if (body.Element(s + "Fault") is { } fault)
        {
            var code = fault.Element(s + "Code")?.Element(s + "Value")?.Value ?? "?";
            var subcode = fault.Element(s + "Code")?.Element(s + "Subcode")?.Element(s + "Value")?.Value;
            var reason = fault.Element(s + "Reason")?.Elements(s + "Text").FirstOrDefault()?.Value ?? "(no reason)";
            return Result<OnvifSystemDateAndTime>.Fail("fault", $"SOAP fault {code}{(subcode is null ? string.Empty : "/" + subcode)}: {reason.Trim()}");
        }

        var info = body.Element(tds + "GetSystemDateAndTimeResponse")?.Element(tds + "SystemDateAndTime");
        if (info is null)
        {
            return Result<OnvifSystemDateAndTime>.Fail("malformed", "SOAP body has no tds:GetSystemDateAndTimeResponse/tds:SystemDateAndTime");
        }

        var utc = info.Element(tt + "UTCDateTime");
        if (utc is null)
        {
            return Result<OnvifSystemDateAndTime>.Fail("no-utc", "the device reports no tt:UTCDateTime (only local time): its clock cannot be compared");
        }

        var date = utc.Element(tt + "Date");
        var time = utc.Element(tt + "Time");
        Result<int>[] fields =
        [
            Int(date, tt + "Year", 1970, 9999), Int(date, tt + "Month", 1, 12), Int(date, tt + "Day", 1, 31),
            Int(time, tt + "Hour", 0, 23), Int(time, tt + "Minute", 0, 59), Int(time, tt + "Second", 0, 61),
        ];
        if (fields.FirstOrDefault(f => !f.IsOk).Failure is { } fieldFailure)
        {
            return fieldFailure;
        }

        var (year, month, day, hour, minute, second) = (fields[0].Value, fields[1].Value, fields[2].Value, fields[3].Value, fields[4].Value, fields[5].Value);

        if (day > DateTime.DaysInMonth(year, month))
        {
            return Result<OnvifSystemDateAndTime>.Fail("malformed", $"UTCDateTime date {year}-{month}-{day} does not exist");
        }

        var utcTime = new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), TimeSpan.Zero);
        return new OnvifSystemDateAndTime(
            info.Element(tt + "DateTimeType")?.Value.Trim() ?? "(unspecified)",
            string.Equals(info.Element(tt + "DaylightSavings")?.Value.Trim(), "true", StringComparison.OrdinalIgnoreCase),
            info.Element(tt + "TimeZone")?.Element(tt + "TZ")?.Value.Trim(),
            utcTime);
    }

    private static Result<int> Int(XElement? parent, XName name, int min, int max)
    {
        var text = parent?.Element(name)?.Value.Trim();
        if (text is null)
        {
            return Result<int>.Fail("malformed", $"UTCDateTime lacks {name.LocalName}");
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            return Result<int>.Fail("malformed", $"UTCDateTime {name.LocalName} '{Net.ResponseHead.Printable(text)}' is not a number in {min}..{max}");
        }

        return value;
    }
}
