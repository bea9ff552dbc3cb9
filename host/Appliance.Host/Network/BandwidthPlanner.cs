using Appliance.Abstractions;
using Appliance.Core.Network;
using Appliance.Host.Cameras;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Appliance.Host.Network;

/// <summary>
/// The bandwidth planner (F# core) fed from this appliance: a starting input built from the configured cameras
/// and their measured stream health, and plans from JSON input. Used by the API and the portal.
/// </summary>
public static class BandwidthPlanner
{
    /// <summary>The starting input: every enabled camera, measured fps/bitrate/GOP/codec where known, OpenEye defaults otherwise.</summary>
    public static Bandwidth.SitePlanInput Defaults(CameraStore cameras)
    {
        var observations = cameras.List()
            .Where(c => c.Enabled)
            .Select(c => Observe(c, cameras.Health(c.Id)));
        return BandwidthDefaults.defaultInput(BandwidthJson.maxCameras, ListModule.OfSeq(observations));
    }

    /// <summary>What the planner is told about one camera; measured values only when the stream has produced frames.</summary>
    public static BandwidthDefaults.CameraObservation Observe(CameraInfo camera, StreamHealth? health)
    {
        var measured = health is { Fps: > 0 } ? health : null;
        var fps = measured is null ? FSharpOption<double>.None : FSharpOption<double>.Some(measured.Fps);
        var bitrate = measured is { BitrateKbps: > 0 } ? FSharpOption<double>.Some(measured.BitrateKbps) : FSharpOption<double>.None;
        var gop = measured is { KeyframeIntervalSeconds: > 0 }
            ? BandwidthDefaults.gopOfInterval(fps, FSharpOption<double>.Some(measured.KeyframeIntervalSeconds))
            : FSharpOption<int>.None;
        var codec = health?.Codec is { } name ? BandwidthDefaults.codecOfName(name) : FSharpOption<Bandwidth.Codec>.None;
        return new BandwidthDefaults.CameraObservation(
            camera.Name, FSharpOption<int>.None, FSharpOption<int>.None, fps, bitrate, gop, codec);
    }

    /// <summary>The plan for a JSON input, or every error with its path.</summary>
    public static (Bandwidth.SitePlan? Plan, IReadOnlyList<string> Errors) Plan(string json)
    {
        var result = BandwidthJson.planJson(json);
        return result.IsOk ? (result.ResultValue, []) : (null, result.ErrorValue.ToList());
    }
}
