using Appliance.Abstractions;
using System.Globalization;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Device;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Media;

/// <summary>Media service ver10 (ONVIF Media Service Specification; WSDL http://www.onvif.org/ver10/media/wsdl).</summary>
public static class MediaMessages
{
    public static XElement GetProfiles() => new(Ns.Trt + "GetProfiles");

    /// <summary>GetStreamUri for RTP unicast over RTSP (the transport every Profile S device supports).</summary>
    public static XElement GetStreamUri(string profileToken) =>
        new(Ns.Trt + "GetStreamUri",
            new XElement(Ns.Trt + "StreamSetup",
                new XElement(Ns.Tt + "Stream", "RTP-Unicast"),
                new XElement(Ns.Tt + "Transport", new XElement(Ns.Tt + "Protocol", "RTSP"))),
            new XElement(Ns.Trt + "ProfileToken", profileToken));

    public static XElement GetSnapshotUri(string profileToken) =>
        new(Ns.Trt + "GetSnapshotUri", new XElement(Ns.Trt + "ProfileToken", profileToken));

    public static Result<IReadOnlyList<MediaProfile>> ParseProfiles(XElement response)
    {
        if (response.Name != Ns.Trt + "GetProfilesResponse")
            return DeviceMessages.Unexpected<IReadOnlyList<MediaProfile>>(response, "GetProfilesResponse (media ver10)");
        var profiles = new List<MediaProfile>();
        foreach (var p in response.Elements(Ns.Trt + "Profiles"))
        {
            var token = p.Attribute("token")?.Value;
            if (string.IsNullOrWhiteSpace(token)) continue;
            var encoder = p.Element(Ns.Tt + "VideoEncoderConfiguration");
            var resolution = encoder?.Element(Ns.Tt + "Resolution");
            profiles.Add(new MediaProfile(token, p.ChildText(Ns.Tt + "Name") ?? token, encoder?.ChildText(Ns.Tt + "Encoding"),
                Int(resolution?.ChildText(Ns.Tt + "Width")), Int(resolution?.ChildText(Ns.Tt + "Height")),
                p.Element(Ns.Tt + "PTZConfiguration") is not null, IsMedia2: false, FrameRate(encoder)));
        }
        return profiles;
    }

    /// <summary>GetStreamUriResponse or GetSnapshotUriResponse: MediaUri/Uri.</summary>
    public static Result<Uri> ParseMediaUri(XElement response, string expectedResponse)
    {
        if (response.Name != Ns.Trt + expectedResponse)
            return DeviceMessages.Unexpected<Uri>(response, expectedResponse);
        var text = response.Element(Ns.Trt + "MediaUri")?.ChildText(Ns.Tt + "Uri");
        return ParseAbsoluteUri(text, expectedResponse);
    }

    internal static Result<Uri> ParseAbsoluteUri(string? text, string what)
    {
        if (string.IsNullOrEmpty(text))
            return Result<Uri>.Fail(ErrorKind.UnexpectedMessage, $"{what} carries no Uri");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            return Result<Uri>.Fail(ErrorKind.UnexpectedMessage, $"{what} carries \"{Truncate(text)}\", not an absolute URI");
        return uri;
    }

    internal static int? Int(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>The encoder's RateControl/FrameRateLimit (both media services use the tt schema for it); null when absent or not a positive number.</summary>
    internal static double? FrameRate(XElement? encoder) =>
        double.TryParse(encoder?.Element(Ns.Tt + "RateControl")?.ChildText(Ns.Tt + "FrameRateLimit"), NumberStyles.Float, CultureInfo.InvariantCulture, out var fps)
        && fps > 0 && double.IsFinite(fps) ? fps : null;

    internal static string Truncate(string text) => text.Length <= 120 ? text : text[..120] + "...";
}

/// <summary>Media2 service ver20 (ONVIF Media2 Service Specification; WSDL http://www.onvif.org/ver20/media/wsdl).</summary>
public static class Media2Messages
{
    public static XElement GetProfiles() =>
        new(Ns.Tr2 + "GetProfiles", new XElement(Ns.Tr2 + "Type", "All"));

    public static XElement GetStreamUri(string profileToken) =>
        new(Ns.Tr2 + "GetStreamUri",
            new XElement(Ns.Tr2 + "Protocol", "RtspUnicast"),
            new XElement(Ns.Tr2 + "ProfileToken", profileToken));

    public static XElement GetSnapshotUri(string profileToken) =>
        new(Ns.Tr2 + "GetSnapshotUri", new XElement(Ns.Tr2 + "ProfileToken", profileToken));

    public static Result<IReadOnlyList<MediaProfile>> ParseProfiles(XElement response)
    {
        if (response.Name != Ns.Tr2 + "GetProfilesResponse")
            return DeviceMessages.Unexpected<IReadOnlyList<MediaProfile>>(response, "GetProfilesResponse (media2 ver20)");
        var profiles = new List<MediaProfile>();
        foreach (var p in response.Elements(Ns.Tr2 + "Profiles"))
        {
            var token = p.Attribute("token")?.Value;
            if (string.IsNullOrWhiteSpace(token)) continue;
            var configurations = p.Element(Ns.Tr2 + "Configurations");
            var encoder = configurations?.Element(Ns.Tr2 + "VideoEncoder");
            var resolution = encoder?.Element(Ns.Tt + "Resolution");
            profiles.Add(new MediaProfile(token, p.ChildText(Ns.Tr2 + "Name") ?? token, encoder?.ChildText(Ns.Tt + "Encoding"),
                MediaMessages.Int(resolution?.ChildText(Ns.Tt + "Width")), MediaMessages.Int(resolution?.ChildText(Ns.Tt + "Height")),
                configurations?.Element(Ns.Tr2 + "PTZ") is not null, IsMedia2: true, MediaMessages.FrameRate(encoder)));
        }
        return profiles;
    }

    /// <summary>GetStreamUriResponse / GetSnapshotUriResponse of Media2: a single Uri element.</summary>
    public static Result<Uri> ParseUri(XElement response, string expectedResponse)
    {
        if (response.Name != Ns.Tr2 + expectedResponse)
            return DeviceMessages.Unexpected<Uri>(response, expectedResponse + " (media2)");
        return MediaMessages.ParseAbsoluteUri(response.ChildText(Ns.Tr2 + "Uri"), expectedResponse);
    }
}
