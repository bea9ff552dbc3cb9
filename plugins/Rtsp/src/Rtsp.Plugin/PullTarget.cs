using Appliance.Abstractions;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>
/// Which of a camera's streams a <see cref="CameraPull"/> pulls: the main one (<c>camera/{id}</c>, always, with the
/// camera's events) or the sub stream (<c>camera/{id}/sub</c>, only while the hub stream has a subscriber, no camera
/// events: the main stream says whether the camera is online).
/// </summary>
internal sealed record PullTarget(string Uri, string StreamName, bool IsSub)
{
    public static PullTarget Main(CameraInfo camera) => new(camera.StreamUri!, $"camera/{camera.Id}", false);

    public static PullTarget Sub(CameraInfo camera) => new(camera.Overrides.SubStreamUri!, $"camera/{camera.Id}/sub", true);

    /// <summary>The key of the pull in the plugin and of its learnt transport.</summary>
    public string Key(CameraInfo camera) => IsSub ? camera.Id + "/sub" : camera.Id;
}
