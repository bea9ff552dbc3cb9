using Appliance.Abstractions;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Soap;

/// <summary>A received SOAP 1.2 envelope: its header blocks and the single element inside its body.</summary>
public sealed record SoapMessage(XElement? Header, XElement Body)
{
    /// <summary>Parses and checks an envelope; a fault in the body becomes a <see cref="Failure"/>.</summary>
    public static Result<SoapMessage> Read(ReadOnlyMemory<byte> data, int maxBytes = SafeXml.DefaultMaxBytes) =>
        SafeXml.Parse(data, maxBytes).Bind(FromDocument);

    public static Result<SoapMessage> FromDocument(XDocument document)
    {
        var root = document.Root!;
        if (root.Name == Ns.Soap11 + "Envelope")
            return Result<SoapMessage>.Fail(ErrorKind.UnexpectedMessage, "SOAP 1.1 envelope received; ONVIF requires SOAP 1.2 (http://www.w3.org/2003/05/soap-envelope)");
        if (root.Name != Ns.Soap + "Envelope")
            return Result<SoapMessage>.Fail(ErrorKind.UnexpectedMessage, $"not a SOAP 1.2 envelope: root element is {root.Name}");
        var body = root.Element(Ns.Soap + "Body");
        if (body is null)
            return Result<SoapMessage>.Fail(ErrorKind.UnexpectedMessage, "SOAP envelope has no Body");
        var content = body.Elements().FirstOrDefault();
        if (content is null)
            return Result<SoapMessage>.Fail(ErrorKind.UnexpectedMessage, "SOAP Body is empty");
        if (content.Name == Ns.Soap + "Fault")
            return SoapFault.Parse(content).ToError();
        return new SoapMessage(root.Element(Ns.Soap + "Header"), content);
    }

    /// <summary>The body element if it has the expected name, else an error naming both.</summary>
    public Result<XElement> Expect(XName name) =>
        Body.Name == name
            ? Body
            : Result<XElement>.Fail(ErrorKind.UnexpectedMessage, $"expected {name.LocalName} ({name.NamespaceName}), got {Body.Name.LocalName} ({Body.Name.NamespaceName})");

    /// <summary>The text of a header block, e.g. WS-Addressing <c>RelatesTo</c>.</summary>
    public string? HeaderText(XName name) => Header?.Element(name)?.Value.Trim();
}
