using Appliance.Abstractions;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Appliance.Plugins.Onvif.Protocol.Xml;

/// <summary>
/// The only way this library parses XML from the network: no DTD (so no entity expansion, no billion laughs,
/// no external entities / XXE), no resolver, a size limit in bytes before parsing and in characters while parsing.
/// </summary>
public static class SafeXml
{
    /// <summary>Default limit for a SOAP response (GetProfiles of a 16-channel encoder stays well below).</summary>
    public const int DefaultMaxBytes = 1024 * 1024;

    public static XmlReaderSettings ReaderSettings(int maxCharacters) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = maxCharacters,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CloseInput = true,
        Async = false,
    };

    public static Result<XDocument> Parse(string xml, int maxBytes = DefaultMaxBytes) =>
        Parse(Encoding.UTF8.GetBytes(xml), maxBytes);

    public static Result<XDocument> Parse(ReadOnlyMemory<byte> data, int maxBytes = DefaultMaxBytes)
    {
        if (data.Length == 0)
            return Result<XDocument>.Fail(ErrorKind.MalformedXml, "empty XML document");
        if (data.Length > maxBytes)
            return Result<XDocument>.Fail(ErrorKind.TooLarge, $"XML document of {data.Length} bytes exceeds the limit of {maxBytes} bytes");
        if (ContainsDoctype(data.Span))
            return Result<XDocument>.Fail(ErrorKind.HostileXml,
                "XML document declares a DTD (<!DOCTYPE / <!ENTITY): refused, entity expansion and external entities (XXE) are not allowed");
        try
        {
            using var stream = new MemoryStream(data.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, ReaderSettings(maxBytes));
            var document = XDocument.Load(reader, LoadOptions.None);
            if (document.Root is null)
                return Result<XDocument>.Fail(ErrorKind.MalformedXml, "XML document has no root element");
            return document;
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            return Result<XDocument>.Fail(ErrorKind.HostileXml, $"XML document with a DTD refused (entity expansion / XXE): {ex.Message}");
        }
        catch (XmlException ex) when (ex.Message.Contains("maximum", StringComparison.OrdinalIgnoreCase))
        {
            return Result<XDocument>.Fail(ErrorKind.TooLarge, $"XML document exceeds the character limit: {ex.Message}");
        }
        catch (XmlException ex)
        {
            return Result<XDocument>.Fail(ErrorKind.MalformedXml, $"malformed XML at line {ex.LineNumber}, position {ex.LinePosition}: {ex.Message}");
        }
        catch (DecoderFallbackException ex)
        {
            return Result<XDocument>.Fail(ErrorKind.MalformedXml, $"XML document is not valid text: {ex.Message}");
        }
    }

    /// <summary>A cheap pre-check: any DOCTYPE or ENTITY declaration (ASCII-compatible encodings) is refused outright.</summary>
    private static bool ContainsDoctype(ReadOnlySpan<byte> data) =>
        data.IndexOf("<!DOCTYPE"u8) >= 0 || data.IndexOf("<!ENTITY"u8) >= 0;

    /// <summary>Trimmed text of the first child element named <paramref name="name"/>, or null.</summary>
    public static string? ChildText(this XElement element, XName name) => element.Element(name)?.Value.Trim();

    /// <summary>Descendant by a path of local names in one namespace, e.g. <c>("Info", "Manufacturer")</c>.</summary>
    public static XElement? Path(this XElement element, XNamespace ns, params string[] localNames)
    {
        XElement? current = element;
        foreach (var name in localNames)
        {
            current = current?.Element(ns + name);
            if (current is null) return null;
        }
        return current;
    }

    /// <summary>The first child element whatever its namespace (tolerates cameras that mix schema versions).</summary>
    public static XElement? ElementAnyNs(this XElement element, string localName) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == localName);
}
