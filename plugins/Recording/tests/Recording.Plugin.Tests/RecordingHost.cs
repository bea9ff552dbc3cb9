using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>
/// The real host with the bundled RTSP ingest and recording plugins, a GStreamer camera (640x360, keyframe every
/// second) added through the cameras API, and helpers over the recording plugin's routes.
/// </summary>
public sealed class RecordingHost : IAsyncDisposable
{
    public const string PluginId = "appliance.recording";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private const string Base = "/plugins/appliance.recording";

    private RecordingHost(GstRtspServer camera, HostProcess host, string cameraId)
    {
        Camera = camera;
        Host = host;
        CameraId = cameraId;
    }

    public GstRtspServer Camera { get; }
    public HostProcess Host { get; }
    public string CameraId { get; }
    public HttpClient Client => Host.Client;
    public string DataDirectory => Path.Combine(Host.DataDirectory, "plugin-data", PluginId);
    public string SegmentFolder => Path.Combine(DataDirectory, "segments", CameraId);

    /// <param name="others">More plugins to bundle: project folder, plugin id, its configuration.</param>
    public static async Task<RecordingHost> StartAsync(JsonObject recording, string cameraArgs = "--width 640 --height 360 --keyint 25 --bitrate 1000", string? dataDirectory = null,
        IReadOnlyList<(string Project, string Id, JsonObject Config)>? others = null)
    {
        var camera = await GstRtspServer.StartAsync(FreePort.Tcp(), cameraArgs);
        HostProcess? host = null;
        try
        {
            var config = new JsonObject
            {
                [PluginId] = recording,
                ["appliance.rtsp"] = new JsonObject { ["reconnect"] = new JsonObject { ["initialSeconds"] = 0.2, ["maxSeconds"] = 1 } },
            };
            foreach (var other in others ?? []) config[other.Id] = other.Config;
            string[] projects = [BundledPlugins.RtspIngest, "plugins/Recording/src/Recording.Plugin", .. (others ?? []).Select(o => o.Project)];
            host = await HostProcess.StartAsync(dataDirectory: dataDirectory, bundledPlugins: BundledPlugins.Stage(projects), pluginConfig: config);
            await host.LoginAsync();
            using var added = await host.Client.PostAsJsonAsync("/api/v1/cameras", new { name = "Lobby", streamUri = camera.Url });
            added.EnsureSuccessStatusCode();
            var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            return new RecordingHost(camera, host, id);
        }
        catch
        {
            if (host is not null) await host.DisposeAsync();
            camera.Dispose();
            throw;
        }
    }

    public async Task<JsonElement> TimelineAsync() => await Client.GetFromJsonAsync<JsonElement>($"{Base}/cameras/{CameraId}/timeline");

    /// <summary>The timeline's closed segments: file name, start, end, bytes.</summary>
    public async Task<List<(string File, DateTimeOffset Start, DateTimeOffset End, long Bytes)>> ClosedSegmentsAsync() =>
        (await TimelineAsync()).GetProperty("segments").EnumerateArray().Where(s => !s.GetProperty("open").GetBoolean())
            .Select(s => (s.GetProperty("file").GetString()!, s.GetProperty("start").GetDateTimeOffset(), s.GetProperty("end").GetDateTimeOffset(), s.GetProperty("bytes").GetInt64()))
            .ToList();

    public Task<HttpResponseMessage> PostClipAsync(object body) => Client.PostAsJsonAsync($"{Base}/clips", body);

    public async Task<JsonElement> ClipAsync(string id) => await Client.GetFromJsonAsync<JsonElement>($"{Base}/clips/{id}");

    /// <summary>Posts a clip request that must be accepted (202) and returns the job's id.</summary>
    public async Task<string> CreateClipAsync(object body)
    {
        using var created = await PostClipAsync(body);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>();
        if (created.StatusCode != System.Net.HttpStatusCode.Accepted) throw new InvalidOperationException($"clip refused ({created.StatusCode}): {answer}");
        return answer.GetProperty("id").GetString()!;
    }

    /// <summary>The clip job once it is <c>done</c> or <c>failed</c>.</summary>
    public Task<JsonElement> FinishedClipAsync(string id) =>
        Eventually.ValueAsync(() => ClipAsync(id), c => c.GetProperty("state").GetString() is "done" or "failed", $"clip {id} to end", Patience);

    public Task<HttpResponseMessage> GetAsync(string relative, string? range = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}/{relative}");
        if (range is not null) request.Headers.Add("Range", range);
        return Client.SendAsync(request);
    }

    /// <summary>The plugin's health component <paramref name="component"/> as "state: message", or null.</summary>
    public async Task<string?> HealthAsync(string component)
    {
        var plugin = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/plugins/{PluginId}");
        foreach (var h in plugin.GetProperty("health").EnumerateArray())
            if (h.GetProperty("component").GetString() is { } name && (name == component || name.EndsWith("/" + component, StringComparison.Ordinal)))
                return $"{h.GetProperty("state")}: {h.GetProperty("message").GetString()}";
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Camera.Dispose();
    }
}
