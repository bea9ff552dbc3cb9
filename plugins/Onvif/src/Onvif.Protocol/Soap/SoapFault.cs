using Appliance.Abstractions;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Soap;

/// <summary>
/// A SOAP 1.2 fault (SOAP 1.2 Part 1, section 5.4): code (Sender / Receiver / ...), nested subcodes
/// (ONVIF puts its error codes there, e.g. <c>ter:NotAuthorized</c>), and a human-readable reason.
/// </summary>
public sealed record SoapFault(string Code, IReadOnlyList<string> Subcodes, string Reason)
{
    /// <summary>ONVIF Core: the sender is not authorized (wrong user, wrong password digest, expired Created).</summary>
    public bool IsNotAuthorized => Subcodes.Any(s => s.EndsWith("NotAuthorized", StringComparison.Ordinal)) ||
                                   Subcodes.Any(s => s.EndsWith("FailedAuthentication", StringComparison.Ordinal));

    public Failure ToError() =>
        new(IsNotAuthorized ? ErrorKind.NotAuthorized : ErrorKind.SoapFault, ToString());

    public override string ToString() =>
        $"SOAP fault {Code}{string.Concat(Subcodes.Select(s => "/" + s))}: {Reason}";

    /// <summary>Reads an <c>s:Fault</c> element; codes are reported as <c>prefix-free local names</c> qualified by namespace when it is ONVIF's.</summary>
    public static SoapFault Parse(XElement fault)
    {
        var code = fault.Element(Ns.Soap + "Code");
        var value = QName(code?.Element(Ns.Soap + "Value"));
        var subcodes = new List<string>();
        var sub = code?.Element(Ns.Soap + "Subcode");
        while (sub is not null && subcodes.Count < 8)
        {
            subcodes.Add(QName(sub.Element(Ns.Soap + "Value")));
            sub = sub.Element(Ns.Soap + "Subcode");
        }
        var reason = fault.Element(Ns.Soap + "Reason")?.Elements(Ns.Soap + "Text").FirstOrDefault()?.Value.Trim();
        return new SoapFault(value, subcodes, string.IsNullOrEmpty(reason) ? "(no reason given)" : reason);
    }

    /// <summary>Builds a fault element (used by tests and simulators).</summary>
    public static XElement Create(string code, string? subcode, string reason) =>
        new(Ns.Soap + "Fault",
            new XElement(Ns.Soap + "Code",
                new XElement(Ns.Soap + "Value", "s:" + code),
                subcode is null ? null : new XElement(Ns.Soap + "Subcode", new XElement(Ns.Soap + "Value", subcode))),
            new XElement(Ns.Soap + "Reason", new XElement(Ns.Soap + "Text", new XAttribute(XNamespace.Xml + "lang", "en"), reason)));

    /// <summary>A QName's text with its prefix resolved: <c>ter:NotAuthorized</c> becomes <c>ter:NotAuthorized</c> when the prefix maps to the ONVIF error namespace, else the text as written.</summary>
    private static string QName(XElement? element)
    {
        var text = element?.Value.Trim();
        if (string.IsNullOrEmpty(text)) return "(none)";
        var colon = text.IndexOf(':');
        if (colon <= 0) return text;
        var ns = element!.GetNamespaceOfPrefix(text[..colon]);
        var local = text[(colon + 1)..];
        if (ns == Ns.Ter) return "ter:" + local;
        if (ns == Ns.Soap) return local;
        return text;
    }
}
