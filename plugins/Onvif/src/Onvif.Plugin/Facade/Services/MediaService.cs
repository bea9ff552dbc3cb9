using System.Xml.Linq;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Services;

/// <summary>
/// Media (ver10/media/wsdl) and Media2 (ver20/media/wsdl), read-only, for viewers: one profile per hub stream of every
/// enabled camera (<see cref="ChannelCatalog"/>), stream URIs on the RTSP server plugin (<c>rtsp://host:port/camera/{id}</c>).
/// The hub does not carry the picture size, so resolutions are reported as 0x0. No snapshot URI: the media plugin's
/// snapshot route needs a portal session or bearer token, which a VMS authenticating with Digest does not have, so
/// GetSnapshotUri is absent (unknown operation) rather than a URL that fails.
/// </summary>
public sealed class MediaService(Func<IReadOnlyList<FacadeProfile>> catalog)
{
    public IEnumerable<Operation> Operations() =>
    [
        Operation.Sync(Ns.Trt + "GetProfiles", UserRole.Viewer, _ => new XElement(Ns.Trt + "GetProfilesResponse", catalog().Select(p => Profile(Ns.Trt + "Profiles", p)))),
        Operation.Sync(Ns.Trt + "GetProfile", UserRole.Viewer, c => Find(c.Body.ChildText(Ns.Trt + "ProfileToken"))
            .Map(p => new XElement(Ns.Trt + "GetProfileResponse", Profile(Ns.Trt + "Profile", p)))),
        Operation.Sync(Ns.Trt + "GetVideoSources", UserRole.Viewer, _ => new XElement(Ns.Trt + "GetVideoSourcesResponse",
            catalog().Where(p => p.IsMain).Select(p => new XElement(Ns.Trt + "VideoSources", new XAttribute("token", p.VideoSourceToken),
                new XElement(Ns.Tt + "Framerate", 25), Resolution())))),
        Operation.Sync(Ns.Trt + "GetStreamUri", UserRole.Viewer, c => StreamUri(c, c.Body.ChildText(Ns.Trt + "ProfileToken"),
            c.Body.Element(Ns.Trt + "StreamSetup")?.Element(Ns.Tt + "Transport")?.ChildText(Ns.Tt + "Protocol"))
            .Map(uri => new XElement(Ns.Trt + "GetStreamUriResponse", new XElement(Ns.Trt + "MediaUri",
                new XElement(Ns.Tt + "Uri", uri), new XElement(Ns.Tt + "InvalidAfterConnect", "false"),
                new XElement(Ns.Tt + "InvalidAfterReboot", "false"), new XElement(Ns.Tt + "Timeout", "PT0S"))))),
        Operation.Sync(Ns.Tr2 + "GetProfiles", UserRole.Viewer, c => Media2Profiles(c.Body.ChildText(Ns.Tr2 + "Token"))),
        Operation.Sync(Ns.Tr2 + "GetStreamUri", UserRole.Viewer, c => StreamUri(c, c.Body.ChildText(Ns.Tr2 + "ProfileToken"), c.Body.ChildText(Ns.Tr2 + "Protocol"))
            .Map(uri => new XElement(Ns.Tr2 + "GetStreamUriResponse", new XElement(Ns.Tr2 + "Uri", uri)))),
    ];

    private Result<FacadeProfile> Find(string? token) =>
        catalog().FirstOrDefault(p => p.Token == token) is { } profile
            ? profile
            : new Failure("InvalidArgVal/NoProfile", $"no profile with token '{Short(token)}'");

    /// <summary>RTSP over TCP or UDP (and RTSP-over-HTTP names, which the RTSP server does not speak: refused).</summary>
    private Result<string> StreamUri(OperationContext context, string? token, string? protocol)
    {
        if (protocol is not (null or "RTSP" or "UDP" or "TCP" or "RtspUnicast" or "RtspOverHttp" or "RTSPS" or "HTTP"))
            return new Failure("InvalidArgVal/InvalidStreamSetup", $"stream protocol '{Short(protocol)}' is unknown");
        if (protocol is "HTTP" or "RtspOverHttp" or "RTSPS")
            return new Failure("InvalidArgVal/InvalidStreamSetup", $"stream protocol '{protocol}' is not offered: RTSP over TCP or UDP only");
        return Find(token).Map(p => context.Endpoint.Rtsp(p.StreamName));
    }

    private Result<XElement> Media2Profiles(string? token)
    {
        var profiles = catalog();
        if (token is not null && profiles.All(p => p.Token != token))
            return new Failure("InvalidArgVal/NoProfile", $"no profile with token '{Short(token)}'");
        return new XElement(Ns.Tr2 + "GetProfilesResponse",
            profiles.Where(p => token is null || p.Token == token).Select(p =>
                new XElement(Ns.Tr2 + "Profiles", new XAttribute("token", p.Token), new XAttribute("fixed", "true"),
                    new XElement(Ns.Tr2 + "Name", Name(p)),
                    new XElement(Ns.Tr2 + "Configurations",
                        SourceConfiguration(Ns.Tr2 + "VideoSource", p),
                        new XElement(Ns.Tr2 + "VideoEncoder", new XAttribute("token", "ve_" + p.Token),
                            new XAttribute("GovLength", 0), new XAttribute("Profile", "Main"),
                            new XElement(Ns.Tt + "Name", Name(p)), new XElement(Ns.Tt + "UseCount", 1),
                            new XElement(Ns.Tt + "Encoding", p.Codec == MediaCodec.H265 ? "H265" : "H264"),
                            Resolution(), new XElement(Ns.Tt + "Quality", 5))))));
    }

    private static XElement Profile(XName element, FacadeProfile p) =>
        new(element, new XAttribute("token", p.Token), new XAttribute("fixed", "true"),
            new XElement(Ns.Tt + "Name", Name(p)),
            SourceConfiguration(Ns.Tt + "VideoSourceConfiguration", p),
            // Media (ver10) knows no H.265 encoding: such streams get no encoder configuration here (Media2 describes them).
            p.Codec == MediaCodec.H265 ? null : new XElement(Ns.Tt + "VideoEncoderConfiguration", new XAttribute("token", "ve_" + p.Token),
                new XElement(Ns.Tt + "Name", Name(p)), new XElement(Ns.Tt + "UseCount", 1),
                new XElement(Ns.Tt + "Encoding", "H264"), Resolution(), new XElement(Ns.Tt + "Quality", 5),
                // Frame rate and bit rate are the camera's, unknown to the hub: 0.
                new XElement(Ns.Tt + "RateControl", new XElement(Ns.Tt + "FrameRateLimit", 0), new XElement(Ns.Tt + "EncodingInterval", 1), new XElement(Ns.Tt + "BitrateLimit", 0)),
                new XElement(Ns.Tt + "Multicast",
                    new XElement(Ns.Tt + "Address", new XElement(Ns.Tt + "Type", "IPv4"), new XElement(Ns.Tt + "IPv4Address", "0.0.0.0")),
                    new XElement(Ns.Tt + "Port", 0), new XElement(Ns.Tt + "TTL", 1), new XElement(Ns.Tt + "AutoStart", "false")),
                new XElement(Ns.Tt + "SessionTimeout", "PT60S")));

    private static XElement SourceConfiguration(XName element, FacadeProfile p) =>
        new(element, new XAttribute("token", "vsc_" + p.VideoSourceToken),
            new XElement(Ns.Tt + "Name", p.CameraName), new XElement(Ns.Tt + "UseCount", 1),
            new XElement(Ns.Tt + "SourceToken", p.VideoSourceToken),
            new XElement(Ns.Tt + "Bounds", new XAttribute("x", 0), new XAttribute("y", 0), new XAttribute("width", 0), new XAttribute("height", 0)));

    private static XElement Resolution() => new(Ns.Tt + "Resolution", new XElement(Ns.Tt + "Width", 0), new XElement(Ns.Tt + "Height", 0));

    private static string Name(FacadeProfile p) => p.IsMain ? p.CameraName : $"{p.CameraName} ({p.StreamName[(ChannelCatalog.MainStream(p.CameraId).Length + 1)..]})";

    private static string Short(string? text) => text is null ? "(none)" : text.Length <= 64 ? text : text[..64] + "…";
}
