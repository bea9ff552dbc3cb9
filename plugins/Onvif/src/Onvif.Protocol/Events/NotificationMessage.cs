using Appliance.Abstractions;
using System.Xml;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Events;

/// <summary>A name/value pair of an ONVIF event message (<c>tt:SimpleItem</c>).</summary>
public readonly record struct SimpleItem(string Name, string Value);

/// <summary>
/// One <c>wsnt:NotificationMessage</c>: its topic (prefixes of the ONVIF topic namespace normalised to <c>tns1:</c>) and the
/// <c>tt:Message</c> payload (ONVIF Core, "Notification Message" format: Source, Key and Data SimpleItems).
/// </summary>
public sealed record NotificationMessage(
    string Topic,
    DateTimeOffset? UtcTime,
    string? PropertyOperation,
    IReadOnlyList<SimpleItem> Source,
    IReadOnlyList<SimpleItem> Key,
    IReadOnlyList<SimpleItem> Data)
{
    private const int MaxItems = 64;
    private const int MaxTopicLength = 512;

    public static Result<NotificationMessage> Parse(XElement notification)
    {
        var topicElement = notification.Element(Ns.Wsnt + "Topic");
        var topic = topicElement is null ? null : NormalizeTopic(topicElement);
        if (string.IsNullOrEmpty(topic))
            return Result<NotificationMessage>.Fail(ErrorKind.UnexpectedMessage, "NotificationMessage without a Topic");
        if (topic.Length > MaxTopicLength)
            return Result<NotificationMessage>.Fail(ErrorKind.TooLarge, $"NotificationMessage topic of {topic.Length} characters exceeds {MaxTopicLength}");
        var message = notification.Element(Ns.Wsnt + "Message")?.Element(Ns.Tt + "Message");
        if (message is null)
            return Result<NotificationMessage>.Fail(ErrorKind.UnexpectedMessage, $"NotificationMessage {topic} has no tt:Message payload");
        DateTimeOffset? utc = null;
        var utcText = message.Attribute("UtcTime")?.Value;
        if (!string.IsNullOrEmpty(utcText))
        {
            try { utc = XmlConvert.ToDateTimeOffset(utcText); }
            catch (FormatException) { return Result<NotificationMessage>.Fail(ErrorKind.UnexpectedMessage, $"NotificationMessage {topic} has UtcTime \"{utcText}\", not an xs:dateTime"); }
        }
        return new NotificationMessage(topic, utc, message.Attribute("PropertyOperation")?.Value,
            Items(message.Element(Ns.Tt + "Source")), Items(message.Element(Ns.Tt + "Key")), Items(message.Element(Ns.Tt + "Data")));
    }

    private static IReadOnlyList<SimpleItem> Items(XElement? parent) =>
        parent?.Elements(Ns.Tt + "SimpleItem")
            .Select(e => (Name: e.Attribute("Name")?.Value, Value: e.Attribute("Value")?.Value))
            .Where(i => !string.IsNullOrEmpty(i.Name))
            .Take(MaxItems)
            .Select(i => new SimpleItem(i.Name!, i.Value ?? ""))
            .ToList() ?? [];

    /// <summary>Each <c>prefix:Name</c> segment whose prefix maps to the ONVIF topic namespace becomes <c>tns1:Name</c>.</summary>
    private static string NormalizeTopic(XElement topic)
    {
        var text = topic.Value.Trim();
        var segments = text.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var colon = segments[i].IndexOf(':');
            if (colon <= 0) continue;
            var ns = topic.GetNamespaceOfPrefix(segments[i][..colon]);
            if (ns == Ns.Tns1) segments[i] = "tns1:" + segments[i][(colon + 1)..];
        }
        return string.Join('/', segments);
    }

    /// <summary>Source, key and data items in one dictionary (data wins on a name clash).</summary>
    public IReadOnlyDictionary<string, string> AllItems()
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in Source.Concat(Key).Concat(Data)) all[item.Name] = item.Value;
        return all;
    }
}
