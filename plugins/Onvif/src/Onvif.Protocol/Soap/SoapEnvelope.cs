using System.Text;
using System.Xml;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Soap;

/// <summary>Writes SOAP 1.2 envelopes (W3C SOAP 1.2 Part 1, section 5) as UTF-8 bytes.</summary>
public static class SoapEnvelope
{
    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        OmitXmlDeclaration = false,
        Indent = false,
    };

    /// <summary>An envelope with the given header blocks (may be empty) and one body element.</summary>
    public static XDocument Create(XElement body, IEnumerable<XElement>? headers = null)
    {
        var headerBlocks = headers?.ToList() ?? [];
        var envelope = new XElement(Ns.Soap + "Envelope",
            Ns.Declarations(("s", Ns.Soap)),
            headerBlocks.Count > 0 ? new XElement(Ns.Soap + "Header", headerBlocks) : null,
            new XElement(Ns.Soap + "Body", body));
        return new XDocument(envelope);
    }

    public static byte[] Serialize(XDocument document)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, WriterSettings))
            document.Save(writer);
        return stream.ToArray();
    }

    public static byte[] Build(XElement body, IEnumerable<XElement>? headers = null) =>
        Serialize(Create(body, headers));

    /// <summary>A <c>mustUnderstand="true"</c> attribute for a header block.</summary>
    public static XAttribute MustUnderstand() => new(Ns.Soap + "mustUnderstand", "true");
}
