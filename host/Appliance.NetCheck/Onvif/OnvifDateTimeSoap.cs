using System.Xml;
using System.Xml.Linq;
using Appliance.Plugins.Shared.OnvifTime;

namespace Appliance.NetCheck.Onvif;

/// <summary>
/// ONVIF GetSystemDateAndTime over SOAP 1.2. The request needs no authentication (ONVIF Core lets clients call it
/// before authenticating, to learn the device clock). Parsing never resolves DTDs or external entities and is
/// bounded in size; the response itself is read by the one reader the ONVIF plugin uses too
/// (<see cref="OnvifSystemDateAndTime.Read"/>, shared source in plugins/Shared/OnvifTime).
/// </summary>
internal static class OnvifDateTimeSoap
{
    public const string Soap12 = "http://www.w3.org/2003/05/soap-envelope";
    public const string DeviceWsdl = OnvifSystemDateAndTime.DeviceWsdl;
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

        XNamespace s = Soap12, tds = DeviceWsdl;
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

        return OnvifSystemDateAndTime.Read(body.Element(tds + "GetSystemDateAndTimeResponse"));
    }
}
