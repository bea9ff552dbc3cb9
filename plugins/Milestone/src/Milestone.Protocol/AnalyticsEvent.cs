using System.Text;
using System.Xml;

namespace Appliance.Plugins.Milestone.Protocol;

/// <summary>
/// An XProtect analytics event, as Milestone's MIP documentation "Analytics Event and MAD protocol"
/// (https://doc.developer.milestonesys.com/html/reference/protocols/analytics_and_mad_events.html) describes it:
/// root <c>AnalyticsEvent</c> in namespace <c>urn:milestone-systems</c>, an <c>EventHeader</c> with <c>ID</c> (a GUID),
/// <c>Timestamp</c> (ISO 8601 with offset), <c>Type</c>, <c>Message</c> (must equal the name of an analytics event
/// defined in the Management Client, or the event server ignores it), optional <c>CustomTag</c>, and <c>Source</c>
/// with <c>Name</c> (the camera's name or address as XProtect knows it); then optional <c>Description</c>,
/// <c>Location</c> and <c>Vendor/Name</c>.
/// </summary>
public sealed record AnalyticsEvent(
    Guid Id,
    DateTimeOffset Timestamp,
    string Type,
    string Message,
    string SourceName,
    string? CustomTag = null,
    string? Description = null,
    string? Location = null,
    string? VendorName = null)
{
    public const string Namespace = "urn:milestone-systems";

    /// <summary>The largest field accepted (characters); longer values are cut, never sent oversized.</summary>
    public const int MaxFieldLength = 1000;

    /// <summary>The event as UTF-8 XML (with declaration); text is escaped, control characters XML cannot carry are dropped.</summary>
    public byte[] ToXml()
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false, CheckCharacters = true };
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("AnalyticsEvent", Namespace);
            w.WriteAttributeString("xmlns", "i", null, "http://www.w3.org/2001/XMLSchema-instance");
            w.WriteStartElement("EventHeader", Namespace);
            w.WriteElementString("ID", Namespace, Id.ToString());
            w.WriteElementString("Timestamp", Namespace, Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteElementString("Type", Namespace, Clean(Type));
            w.WriteElementString("Message", Namespace, Clean(Message));
            if (CustomTag is not null) w.WriteElementString("CustomTag", Namespace, Clean(CustomTag));
            w.WriteStartElement("Source", Namespace);
            w.WriteElementString("Name", Namespace, Clean(SourceName));
            w.WriteEndElement();
            w.WriteEndElement();
            if (Description is not null) w.WriteElementString("Description", Namespace, Clean(Description));
            if (Location is not null) w.WriteElementString("Location", Namespace, Clean(Location));
            if (VendorName is not null)
            {
                w.WriteStartElement("Vendor", Namespace);
                w.WriteElementString("Name", Namespace, Clean(VendorName));
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return stream.ToArray();
    }

    private static string Clean(string text)
    {
        var s = text.Length > MaxFieldLength ? text[..MaxFieldLength] : text;
        var b = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { b.Append(c).Append(s[++i]); continue; }
            if (char.IsSurrogate(c)) continue;
            if (XmlConvert.IsXmlChar(c)) b.Append(c);
        }
        return b.ToString();
    }
}
