namespace Appliance.Abstractions;

/// <summary>A camera as plugins see it: where its video is and how to log in. Credentials decrypted for the plugin.</summary>
public sealed record CameraInfo(
    string Id,
    string Name,
    bool Enabled,
    string? StreamUri,
    string? OnvifUri,
    string? Username,
    string? Password,
    CameraOverrides Overrides);

/// <summary>
/// Per-camera overrides: transport and ports (a VMS lets the RTSP port be changed per camera).
/// <paramref name="AllowPlainBasicAuth"/>: the password may be sent as Basic over an unencrypted connection (off: only
/// Digest, or Basic over TLS). <paramref name="AllowForeignAddresses"/>: addresses the camera returns (ONVIF service,
/// stream, pull point) may point to another host than the camera's own (off: they are refused).
/// </summary>
public sealed record CameraOverrides(string? RtspTransport = null, int? RtspPort = null, int? HttpPort = null, string? Profile = null,
    bool AllowPlainBasicAuth = false, bool AllowForeignAddresses = false)
{
    /// <summary>
    /// HostApi 1.1: the camera's second (lower resolution) stream, pulled as <c>camera/{id}/sub</c> only while that hub
    /// stream has a subscriber. Configured, or recorded by a plugin that found a second profile
    /// (<see cref="ICameraDirectory.SetSubStreamUriAsync"/>). Null: the camera has one stream.
    /// </summary>
    public string? SubStreamUri { get; init; }
}

/// <summary>What a discovery protocol found on the camera network.</summary>
public sealed record DiscoveredDevice(
    string EndpointReference,
    string Source,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> Types,
    string? Name,
    string? Hardware,
    string? Location,
    IReadOnlyDictionary<string, string> Attributes,
    DateTimeOffset SeenAt);

/// <summary>Per-stream health figures.</summary>
public sealed record StreamHealth(
    string State,
    double Fps,
    double BitrateKbps,
    double KeyframeIntervalSeconds,
    long PacketsReceived,
    long PacketsLost,
    double LossPercent,
    int Reconnects,
    string? LastError,
    DateTimeOffset? LastFrameAt,
    string? Codec,
    string? Transport,
    int? Width = null,
    int? Height = null);

public interface ICameraDirectory
{
    IReadOnlyList<CameraInfo> List();

    /// <summary>Calls <paramref name="onChanged"/> now and after every change. Dispose before the plugin stops.</summary>
    IDisposable Watch(Action<IReadOnlyList<CameraInfo>> onChanged);

    /// <summary>A plugin that resolved where a camera's video is (e.g. ONVIF GetStreamUri) records it here.</summary>
    Task SetStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default);

    void ReportStreamHealth(string cameraId, StreamHealth health);

    /// <summary>HostApi 1.1: records the sub stream a plugin found (e.g. a second ONVIF profile) when the camera has none
    /// configured (<see cref="CameraOverrides.SubStreamUri"/>); a configured one is never replaced.</summary>
    Task SetSubStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("ICameraDirectory.SetSubStreamUriAsync needs HostApi 1.1");

    /// <summary>HostApi 1.1: health of the sub stream (<c>camera/{id}/sub</c>), shown next to the main stream's.</summary>
    void ReportSubStreamHealth(string cameraId, StreamHealth health) =>
        throw new NotSupportedException("ICameraDirectory.ReportSubStreamHealth needs HostApi 1.1");
}
