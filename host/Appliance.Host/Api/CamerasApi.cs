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
        group.MapPost("/", (CameraInput input, CameraStore cameras) => ToResult(cameras.Add(input), created: true)).WithName("AddCamera").WithSummary("Add a camera");
        group.MapPut("/{id}", (string id, CameraInput input, CameraStore cameras) => ToResult(cameras.Update(id, input), created: false)).WithName("UpdateCamera").WithSummary("Replace a camera's settings");
        group.MapDelete("/{id}", (string id, CameraStore cameras) =>
            cameras.Delete(id) ? Results.NoContent() : PluginsApi.Problem(404, $"camera '{id}' does not exist")).WithName("DeleteCamera").WithSummary("Remove a camera");
    }

    private static IResult ToResult(Result<CameraView> result, bool created) =>
        result.IsOk ? created ? Results.Created($"/api/v1/cameras/{result.Value.Id}", result.Value) : Results.Ok(result.Value)
        : PluginsApi.Problem(result.Failure!.Code == CameraRefusal.NotFound ? 404 : 400, string.Join("; ", result.Failure.Errors));
}
