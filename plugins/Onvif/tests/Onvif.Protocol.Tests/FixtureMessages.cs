using System.Text;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Soap;
using Appliance.Plugins.Onvif.Simulator;

namespace Appliance.Plugins.Onvif.Protocol.Tests;

/// <summary>The simulator's spec-derived fixtures as parsed SOAP bodies.</summary>
internal static class FixtureMessages
{
    public static readonly Dictionary<string, string> Values = new()
    {
        ["Base"] = "http://192.0.2.10:8080",
        ["StreamUri"] = "rtsp://192.0.2.10:554/Streaming/Channels/101",
        ["Manufacturer"] = "Acme",
        ["Model"] = "Cam-1",
        ["Hardware"] = "HW-1",
        ["Profile"] = "profile_main",
        ["Year"] = "2024",
        ["Month"] = "2",
        ["Day"] = "29",
        ["Hour"] = "23",
        ["Minute"] = "59",
        ["Second"] = "58",
        ["Id"] = "7",
        ["Now"] = "2024-02-29T23:59:58Z",
        ["Termination"] = "2024-03-01T00:00:58Z",
        ["Token"] = "preset_9",
        ["Operation"] = "Stop",
    };

    public static XElement Body(string fixture, IReadOnlyDictionary<string, string>? markup = null) =>
        SoapMessage.Read(Encoding.UTF8.GetBytes(markup is null ? Fixtures.Fill(fixture, Values) : Fixtures.Fill(fixture, Values, markup))).Value.Body;

    public static XElement Parse(string xml) => SoapMessage.Read(Encoding.UTF8.GetBytes(xml)).Value.Body;
}
