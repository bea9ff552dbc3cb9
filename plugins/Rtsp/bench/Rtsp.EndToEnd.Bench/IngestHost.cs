using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Plugins.Rtsp.EndToEnd.Bench;

/// <summary>
/// The real host (its own process, <see cref="HostProcess"/>) with only the RTSP ingest plugin bundled, in its default
/// configuration; cameras are added through <c>POST /api/v1/cameras</c> as an installer would, and counted as
/// playing once their stream health (<c>GET /api/v1/cameras</c>) says <c>playing</c> with frames.
/// </summary>
public sealed class IngestHost : IAsyncDisposable
{
    private readonly HostProcess _host;
    private readonly List<string> _cameras = [];

    private IngestHost(HostProcess host) => _host = host;

    public int Pid => _host.Pid;

    public int Cameras => _cameras.Count;

    /// <param name="healthIntervalSeconds">The plugin's health rhythm (default 10 s); a smoke run shortens it to see playing cameras sooner.</param>
    public static async Task<IngestHost> StartAsync(double? healthIntervalSeconds)
    {
        var rtsp = new JsonObject();
        if (healthIntervalSeconds is { } s) rtsp["healthIntervalSeconds"] = s;
        var host = await HostProcess.StartAsync(Directory.CreateTempSubdirectory("appl-rtsp-e2e-bench-").FullName,
            BundledPlugins.Stage(BundledPlugins.RtspIngest), pluginConfig: new JsonObject { ["appliance.rtsp"] = rtsp });
        try
        {
            await host.LoginAsync();
            return new IngestHost(host);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds cameras (each pulling <paramref name="url"/>) until there are <paramref name="total"/>.</summary>
    public async Task AddCamerasAsync(string url, int total)
    {
        while (_cameras.Count < total)
        {
            // force: the bench measures ingest, not admission (each Add would otherwise play the stream to a keyframe first).
            using var added = await _host.Client.PostAsJsonAsync("/api/v1/cameras?force=true", new { name = $"bench {_cameras.Count + 1}", streamUri = url });
            if (added.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"adding camera {_cameras.Count + 1}: {(int)added.StatusCode} {await added.Content.ReadAsStringAsync()}");
            _cameras.Add((await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }
    }

    /// <summary>Waits until every camera's health says playing with frames; throws with the laggards' health otherwise.</summary>
    public async Task WaitAllPlayingAsync(TimeSpan timeout)
    {
        var last = Array.Empty<JsonElement>();
        var done = await Eventually.HoldsWithinAsync(async () =>
        {
            last = await ListAsync();
            return last.Length == _cameras.Count && last.All(Playing);
        }, timeout, TimeSpan.FromMilliseconds(500));
        if (!done)
        {
            var laggards = last.Where(c => !Playing(c)).Take(3).Select(c => c.ToString());
            throw new InvalidOperationException($"{last.Count(c => !Playing(c))} of {_cameras.Count} camera(s) not playing within {timeout}: {string.Join("; ", laggards)}\n{Tail()}");
        }
    }

    /// <summary>Packets received and lost over all cameras' pulls so far (as health last reported them).</summary>
    public async Task<(long Received, long Lost)> PacketsAsync()
    {
        long received = 0, lost = 0;
        foreach (var c in await ListAsync())
        {
            if (c.GetProperty("health") is not { ValueKind: JsonValueKind.Object } h) continue;
            received += h.GetProperty("packetsReceived").GetInt64();
            lost += h.GetProperty("packetsLost").GetInt64();
        }
        return (received, lost);
    }

    public string Tail() => _host.Log[^Math.Min(3000, _host.Log.Length)..];

    private static bool Playing(JsonElement camera) =>
        camera.GetProperty("health") is { ValueKind: JsonValueKind.Object } h
        && h.GetProperty("state").GetString() == "playing" && h.GetProperty("fps").GetDouble() > 0;

    private async Task<JsonElement[]> ListAsync()
    {
        var list = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras");
        return list.EnumerateArray().ToArray();
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
