using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Host.Cameras;
using Appliance.Host.Events;

namespace Appliance.Host.Api;

internal static class CamerasApi
{
    public static void MapCamerasApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/cameras").WithTags("cameras");
        group.MapGet("/", (CameraStore cameras) => Results.Ok(cameras.Views())).WithName("ListCameras").WithSummary("Cameras with their state");
        group.MapGet("/urls", (CameraAddresses addresses, HttpContext http) => Results.Ok(addresses.List(http.Request.Host.Host))).WithName("ListCameraUrls").WithSummary("The stream and ONVIF addresses a VMS uses for each camera");
        group.MapGet("/discovered", (DiscoveredDevices devices) => Results.Ok(devices.List())).WithName("ListDiscoveredDevices").WithSummary("Devices found by WS-Discovery and mDNS");
        group.MapPost("/discover", (OutboxEventBus bus, HttpContext http) =>
        {
            var envelope = bus.Publish("appliance.host", new DiscoveryRequested(http.User.Identity?.Name ?? "api"));
            return Results.Accepted("/api/v1/cameras/discovered", new { requested = envelope.Id });
        }).WithName("DiscoverCameras").WithSummary("Start a discovery round");
        group.MapGet("/{id}", (string id, CameraStore cameras) =>
            cameras.Get(id) is { } camera ? Results.Ok(camera) : PluginsApi.Problem(404, $"camera '{id}' does not exist")).WithName("GetCamera").WithSummary("One camera");
        group.MapGet("/{id}/health", (string id, CameraStore cameras) =>
            cameras.Get(id) is null ? PluginsApi.Problem(404, $"camera '{id}' does not exist")
            : cameras.Health(id) is { } health ? Results.Ok(health)
            : PluginsApi.Problem(404, $"camera '{id}' has no stream health yet (is an ingest plugin running?)")).WithName("GetCameraHealth").WithSummary("A camera's stream health (ingest state, transport, rates, last error)");
        group.MapPost("/{id}/test", async (string id, CameraStore cameras, Network.NetworkDoctorService doctor, CancellationToken ct) =>
            cameras.List().FirstOrDefault(c => c.Id == id) is { } camera
                ? Results.Ok(await doctor.TestCameraAsync(camera, ct))
                : PluginsApi.Problem(404, $"camera '{id}' does not exist")).WithName("TestCamera").WithSummary("Check that a camera is reachable and answers RTSP/ONVIF");
        group.MapPost("/onvif-profiles", async (OnvifProfilesInput input, OnvifProfiles profiles, CancellationToken ct) =>
        {
            var listed = await profiles.ListAsync(input, ct);
            if (listed.TryGetValue(out var offers, out var failure)) return Results.Ok(offers);
            var status = failure.Code switch { OnvifProfiles.Invalid => 400, OnvifProfiles.Unavailable => 503, OnvifProfiles.Failed => 502, _ => 422 };
            return Results.Problem(detail: failure.Message, statusCode: status, title: "The ONVIF device's profiles could not be listed",
                extensions: new Dictionary<string, object?> { ["code"] = failure.Code });
        }).WithName("ListOnvifProfiles").WithSummary("The media profiles of an ONVIF device (address and credentials), to choose a camera's overrides.profile");
        group.MapPost("/", async (CameraInput input, bool? force, ProvenCameras cameras, CancellationToken ct) => ToResult(await cameras.AddAsync(input, force ?? false, ct), created: true))
            .WithName("AddCamera").WithSummary("Add a camera: its stream must play to a keyframe first (422 with the reason otherwise) unless ?force=true");
        group.MapPut("/{id}", async (string id, CameraInput input, bool? force, ProvenCameras cameras, CancellationToken ct) => ToResult(await cameras.UpdateAsync(id, input, force ?? false, ct), created: false))
            .WithName("UpdateCamera").WithSummary("Replace a camera's settings; a changed stream must play to a keyframe first unless ?force=true");
        group.MapDelete("/{id}", (string id, CameraStore cameras) =>
            cameras.Delete(id) ? Results.NoContent() : PluginsApi.Problem(404, $"camera '{id}' does not exist")).WithName("DeleteCamera").WithSummary("Remove a camera");
    }

    private static IResult ToResult(Result<CameraView> result, bool created)
    {
        if (result.IsOk) return created ? Results.Created($"/api/v1/cameras/{result.Value.Id}", result.Value) : Results.Ok(result.Value);
        var failure = result.Failure!;
        if (!ProvenCameras.IsProbeRefusal(failure))
            return PluginsApi.Problem(failure.Code == CameraRefusal.NotFound ? 404 : 400, string.Join("; ", failure.Errors));
        // The stream did not prove itself: the probe's code (auth, path, transport, codec, no-keyframe, unreachable...).
        return Results.Problem(detail: failure.Message, statusCode: 422, title: "The camera's stream did not play",
            extensions: new Dictionary<string, object?> { ["code"] = failure.Code });
    }
}
