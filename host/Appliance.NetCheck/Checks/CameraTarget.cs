namespace Appliance.NetCheck.Checks;

/// <summary>A configured camera: its RTSP stream URI and/or ONVIF device service URI.</summary>
public sealed record CameraTarget(string Name, Uri? Rtsp, Uri? Onvif);
