using System.Globalization;
using System.Xml.Linq;
using Appliance.Abstractions;

namespace Appliance.Plugins.Shared.OnvifTime;

/// <summary>What a device said in GetSystemDateAndTimeResponse (ONVIF Core, device management; schema tt:SystemDateTime).</summary>
internal sealed record OnvifSystemDateAndTime(string DateTimeType, bool DaylightSavings, string? TimeZone, DateTimeOffset UtcDateTime)
{
    public const string DeviceWsdl = "http://www.onvif.org/ver10/device/wsdl";
    public const string Schema = "http://www.onvif.org/ver10/schema";

    /// <summary>
    /// Reads a <c>tds:GetSystemDateAndTimeResponse</c> element: <c>malformed</c> when it is not one or a date or
    /// time field is missing, not a number in range or not a day of its month; <c>no-utc</c> when the device reports
    /// only local time (its clock cannot be compared). One reader for the ONVIF plugin's client and the network doctor.
    /// </summary>
    public static Result<OnvifSystemDateAndTime> Read(XElement? response)
    {
        XNamespace tds = DeviceWsdl, tt = Schema;
        var info = response is not null && response.Name == tds + "GetSystemDateAndTimeResponse" ? response.Element(tds + "SystemDateAndTime") : null;
        if (info is null)
            return Result<OnvifSystemDateAndTime>.Fail("malformed", "SOAP body has no tds:GetSystemDateAndTimeResponse/tds:SystemDateAndTime");
        var utc = info.Element(tt + "UTCDateTime");
        if (utc is null)
            return Result<OnvifSystemDateAndTime>.Fail("no-utc", "the device reports no tt:UTCDateTime (only local time): its clock cannot be compared");
        var date = utc.Element(tt + "Date");
        var time = utc.Element(tt + "Time");
        Result<int>[] fields =
        [
            Int(date, tt + "Year", 1970, 9999), Int(date, tt + "Month", 1, 12), Int(date, tt + "Day", 1, 31),
            Int(time, tt + "Hour", 0, 23), Int(time, tt + "Minute", 0, 59), Int(time, tt + "Second", 0, 61),
        ];
        if (fields.FirstOrDefault(f => !f.IsOk).Failure is { } fieldFailure) return fieldFailure;
        var (year, month, day, hour, minute, second) = (fields[0].Value, fields[1].Value, fields[2].Value, fields[3].Value, fields[4].Value, fields[5].Value);
        if (day > DateTime.DaysInMonth(year, month))
            return Result<OnvifSystemDateAndTime>.Fail("malformed", $"UTCDateTime date {year}-{month}-{day} does not exist");
        // A leap second (60, 61) is read as the last second of its minute.
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
            return Result<int>.Fail("malformed", $"UTCDateTime lacks {name.LocalName}");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            return Result<int>.Fail("malformed", $"UTCDateTime {name.LocalName} '{Printable(text)}' is not a number in {min}..{max}");
        return value;
    }

    /// <summary>At most 40 characters of untrusted text, control characters shown as '?'.</summary>
    private static string Printable(string text)
    {
        var cut = text.Length > 40 ? text[..40] + "..." : text;
        return new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
