using System.Xml.Linq;

namespace Appliance.Plugins.Onvif.Protocol.Xml;

/// <summary>The XML namespaces ONVIF, WS-Discovery (2005/04) and WS-Security use, with their customary prefixes.</summary>
public static class Ns
{
    public static readonly XNamespace Soap = "http://www.w3.org/2003/05/soap-envelope";
    public static readonly XNamespace Soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
    public static readonly XNamespace Wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    public static readonly XNamespace Wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    public static readonly XNamespace Tds = "http://www.onvif.org/ver10/device/wsdl";
    public static readonly XNamespace Tt = "http://www.onvif.org/ver10/schema";
    public static readonly XNamespace Trt = "http://www.onvif.org/ver10/media/wsdl";
    public static readonly XNamespace Tr2 = "http://www.onvif.org/ver20/media/wsdl";
    public static readonly XNamespace Tptz = "http://www.onvif.org/ver20/ptz/wsdl";
    public static readonly XNamespace Tev = "http://www.onvif.org/ver10/events/wsdl";
    public static readonly XNamespace Wsnt = "http://docs.oasis-open.org/wsn/b-2";
    public static readonly XNamespace Tns1 = "http://www.onvif.org/ver10/topics";
    public static readonly XNamespace Ter = "http://www.onvif.org/ver10/error";

    /// <summary>WS-Addressing 1.0 (used by ONVIF services, e.g. event subscriptions).</summary>
    public static readonly XNamespace Wsa = "http://www.w3.org/2005/08/addressing";

    /// <summary>WS-Addressing 2004/08 (used by WS-Discovery 2005/04, which ONVIF mandates).</summary>
    public static readonly XNamespace Wsa2004 = "http://schemas.xmlsoap.org/ws/2004/08/addressing";

    /// <summary>WS-Discovery, April 2005 draft: the version ONVIF devices speak.</summary>
    public static readonly XNamespace Discovery = "http://schemas.xmlsoap.org/ws/2005/04/discovery";

    /// <summary>ONVIF network device types (<c>dn:NetworkVideoTransmitter</c>).</summary>
    public static readonly XNamespace Dn = "http://www.onvif.org/ver10/network/wsdl";

    /// <summary>Prefix declarations for a root element so the output reads like the specification examples.</summary>
    public static IEnumerable<XAttribute> Declarations(params (string Prefix, XNamespace Namespace)[] namespaces) =>
        namespaces.Select(n => new XAttribute(XNamespace.Xmlns + n.Prefix, n.Namespace.NamespaceName));
}
