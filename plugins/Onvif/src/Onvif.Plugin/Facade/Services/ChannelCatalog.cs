using System.Security.Cryptography;
using System.Text;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Services;

/// <summary>One ONVIF media profile of the facade: one hub stream of one camera (<c>camera/{id}</c>, <c>camera/{id}/sd</c>…).</summary>
public sealed record FacadeProfile(string Token, string CameraId, string CameraName, string StreamName, string VideoSourceToken, MediaCodec? Codec)
{
    public bool IsMain => StreamName == ChannelCatalog.MainStream(CameraId);
}

/// <summary>
/// Cameras and hub streams to channels: every enabled camera is a video source with its main profile (its stream
/// <c>camera/{id}</c>, listed even before the camera is online so a VMS keeps a stable channel) and one more profile per
/// derived hub stream (<c>camera/{id}/…</c>). Tokens are ONVIF ReferenceTokens (at most 64 characters of
/// <c>[A-Za-z0-9_-]</c>), stable for a stream name. Pure: the same inputs give the same catalog.
/// </summary>
public static class ChannelCatalog
{
    public static string MainStream(string cameraId) => "camera/" + cameraId;

    public static IReadOnlyList<FacadeProfile> Build(IReadOnlyList<CameraInfo> cameras, IReadOnlyList<StreamDescriptor> streams)
    {
        var profiles = new List<FacadeProfile>();
        foreach (var camera in cameras.Where(c => c.Enabled).OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            var main = MainStream(camera.Id);
            var source = "vs_" + Token(camera.Id);
            var names = streams.Where(s => s.Name.StartsWith(main + "/", StringComparison.Ordinal)).Select(s => s.Name)
                .Order(StringComparer.Ordinal).Prepend(main);
            foreach (var name in names)
            {
                var codec = streams.FirstOrDefault(s => s.Name == name)?.Tracks.FirstOrDefault(t => t.Codec is MediaCodec.H264 or MediaCodec.H265)?.Codec;
                profiles.Add(new FacadeProfile("p_" + Token(name["camera/".Length..]), camera.Id, camera.Name, name, source, codec));
            }
        }
        return profiles;
    }

    /// <summary>A stream or camera name as a ReferenceToken: other characters become <c>_</c>; long names keep a hash.</summary>
    public static string Token(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        var changed = safe != name.Replace('/', '_');
        if (safe.Length <= 48 && !changed) return safe;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..12];
        return (safe.Length > 48 ? safe[..48] : safe) + "_" + hash;
    }
}

/// <summary>Where a client reached the facade: the host it used and the ports its URLs name.</summary>
public sealed record FacadeEndpoint(string Host, int HttpPort, int RtspPort)
{
    public string Http(string path) => $"http://{HostPart}:{HttpPort}{path}";

    /// <summary>The RTSP server plugin's URL of a hub stream (<c>rtsp://host:port/camera/{id}</c>).</summary>
    public string Rtsp(string streamName) => $"rtsp://{HostPart}:{RtspPort}/{streamName}";

    private string HostPart => Host.Contains(':') && !Host.StartsWith('[') ? $"[{Host}]" : Host;

    public const string DevicePath = "/onvif/device_service";
    public const string MediaPath = "/onvif/media_service";
    public const string Media2Path = "/onvif/media2_service";
    public const string EventsPath = "/onvif/events_service";
    public const string PullPointPrefix = "/onvif/pullpoint/";
}
