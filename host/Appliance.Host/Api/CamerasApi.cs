using Appliance.Abstractions.Events;
using Appliance.Host.Cameras;
using Appliance.Host.Events;

namespace Appliance.Host.Api;

internal static class CamerasApi
{
    public static void MapCamerasApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/cameras").WithTags("cameras");
        group.MapGet("/", (CameraStore cameras) => Results.Ok(cameras.Views())).WithName("ListCameras");
        group.MapGet("/discovered", (DiscoveredDevices devices) => Results.Ok(devices.List())).WithName("ListDiscoveredDevices");
        group.MapPost("/discover", (OutboxEventBus bus, HttpContext http) =>
        {
            var envelope = bus.Publish("appliance.host", new DiscoveryRequested(http.User.Identity?.Name ?? "api"));
            return Results.Accepted("/api/v1/cameras/discovered", new { requested = envelope.Id });
        }).WithName("DiscoverCameras");
        group.MapGet("/{id}", (string id, CameraStore cameras) =>
            cameras.Get(id) is { } camera ? Results.Ok(camera) : PluginsApi.Problem(404, $"camera '{id}' does not exist")).WithName("GetCamera");
        group.MapGet("/{id}/health", (string id, CameraStore cameras) =>
            cameras.Get(id) is null ? PluginsApi.Problem(404, $"camera '{id}' does not exist")
            : cameras.Health(id) is { } health ? Results.Ok(health)
            : PluginsApi.Problem(404, $"camera '{id}' has no stream health yet (is an ingest plugin running?)")).WithName("GetCameraHealth");
        group.MapPost("/{id}/test", async (string id, CameraStore cameras, Network.NetworkDoctorService doctor, CancellationToken ct) =>
            cameras.List().FirstOrDefault(c => c.Id == id) is { } camera
                ? Results.Ok(await doctor.TestCameraAsync(camera, ct))
                : PluginsApi.Problem(404, $"camera '{id}' does not exist")).WithName("TestCamera");
        group.MapPost("/", (CameraInput input, CameraStore cameras) => ToResult(cameras.Add(input), created: true)).WithName("AddCamera");
        group.MapPut("/{id}", (string id, CameraInput input, CameraStore cameras) => ToResult(cameras.Update(id, input), created: false)).WithName("UpdateCamera");
        group.MapDelete("/{id}", (string id, CameraStore cameras) =>
            cameras.Delete(id) ? Results.NoContent() : PluginsApi.Problem(404, $"camera '{id}' does not exist")).WithName("DeleteCamera");
    }

    private static IResult ToResult(Result<CameraView> result, bool created) =>
        result.IsOk ? created ? Results.Created($"/api/v1/cameras/{result.Value!.Id}", result.Value) : Results.Ok(result.Value)
        : PluginsApi.Problem(result.IsNotFound ? 404 : 400, string.Join("; ", result.Errors));
}
