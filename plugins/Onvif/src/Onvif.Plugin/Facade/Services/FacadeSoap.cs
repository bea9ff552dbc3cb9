using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Soap;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Services;

/// <summary>Envelopes and faults of the facade's answers, with the prefixes the ONVIF specification's examples use.</summary>
public static class FacadeSoap
{
    public static readonly XNamespace Wstop = "http://docs.oasis-open.org/wsn/t-1";
    public static readonly XNamespace Xs = "http://www.w3.org/2001/XMLSchema";

    /// <summary>Appliance topics that ONVIF defines no topic for (rule outputs).</summary>
    public static readonly XNamespace Appl = "urn:appliance:onvif:topics";

    public static byte[] Envelope(XElement body, IEnumerable<XElement>? headers = null)
    {
        var document = SoapEnvelope.Create(body, headers);
        document.Root!.Add(Ns.Declarations(("tds", Ns.Tds), ("trt", Ns.Trt), ("tr2", Ns.Tr2), ("tt", Ns.Tt), ("tev", Ns.Tev),
            ("wsnt", Ns.Wsnt), ("wsa", Ns.Wsa), ("tns1", Ns.Tns1), ("ter", Ns.Ter), ("wstop", Wstop), ("appl", Appl), ("xs", Xs)));
        return SoapEnvelope.Serialize(document);
    }

    /// <summary>
    /// A SOAP 1.2 fault. <paramref name="code"/> is <c>Sender</c>, <c>Receiver</c> or <c>VersionMismatch</c>; ONVIF's
    /// error codes go in nested subcodes (<c>ter:InvalidArgVal</c>, <c>ter:NoProfile</c>).
    /// </summary>
    public static byte[] Fault(string code, IReadOnlyList<string> subcodes, string reason)
    {
        XElement? nested = null;
        foreach (var sub in subcodes.Reverse())
            nested = new XElement(Ns.Soap + "Subcode", new XElement(Ns.Soap + "Value", "ter:" + sub), nested);
        return Envelope(new XElement(Ns.Soap + "Fault",
            new XElement(Ns.Soap + "Code", new XElement(Ns.Soap + "Value", "s:" + code), nested),
            new XElement(Ns.Soap + "Reason", new XElement(Ns.Soap + "Text", new XAttribute(XNamespace.Xml + "lang", "en"), reason))));
    }

    /// <summary>A fault for an operation's failure whose code is the ONVIF subcode path (<c>InvalidArgVal/NoProfile</c>).</summary>
    public static byte[] Fault(Failure failure) => Fault("Sender", failure.Code.Split('/'), failure.Message);

    public static string DateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// An xs:duration (<c>PT60S</c>) or an absolute xs:dateTime as a time from <paramref name="now"/>; null when absent.
    /// A value that is neither is a failure (<c>InvalidArgVal</c>).
    /// </summary>
    public static Result<DateTimeOffset?> Termination(string? text, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text)) return (DateTimeOffset?)null;
        text = text.Trim();
        if (text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal))
        {
            try { return (DateTimeOffset?)(now + XmlConvert.ToTimeSpan(text)); }
            catch (FormatException) { return new Failure("InvalidArgVal", $"'{Short(text)}' is not an xs:duration"); }
            catch (OverflowException) { return new Failure("InvalidArgVal", $"'{Short(text)}' is out of range"); }
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? (DateTimeOffset?)at
            : new Failure("InvalidArgVal", $"'{Short(text)}' is neither an xs:duration nor an xs:dateTime");
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
