using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.NxWitness.Protocol;

namespace Appliance.Plugins.NxWitness;

/// <summary>
/// <c>POST /plugins/appliance.nxwitness/servers/{name}/register-cameras</c> (admin) with <c>{"urls": ["rtsp://..."]}</c>:
/// adds each of the appliance's RTSP outputs to the Nx server of that <c>name</c> as a camera, one after the other, and answers
/// 200 with one result per URL (<c>{url, ok, uniqueId | error}</c>); 404 for a server that is not configured, 400 for
/// a body that is not that shape.
/// </summary>
public sealed class CameraRegistrationRoute(IReadOnlyList<ConfiguredServer> servers, NxClient client, string? streamUser, string? streamPassword, SearchPolling polling)
{
    public const string Template = "servers/{name}/register-cameras";
    public const int MaxUrls = 64;

    public async Task<PluginHttpResponse> HandleAsync(PluginHttpRequest request, CancellationToken ct)
    {
        var name = request.RouteValues.GetValueOrDefault("name") ?? "";
        var server = servers.FirstOrDefault(s => s.Name == name);
        if (server is null) return Error(404, $"no configured Nx server \"{GenericEvent.Clean(name, 100)}\"");
        var urls = ReadUrls(request.Body);
        if (!urls.TryGetValue(out var list, out var bad)) return Error(400, bad.Message);
        var results = new List<object>();
        foreach (var url in list)
        {
            var registered = await client.RegisterRtspAsync(server.Api, url, streamUser, streamPassword, polling, ct);
            results.Add(registered.IsOk
                ? new { url = url.ToString(), ok = true, uniqueId = (string?)registered.Value.UniqueId, error = (string?)null }
                : new { url = url.ToString(), ok = false, uniqueId = (string?)null, error = (string?)registered.Failure!.ToString() });
        }
        return PluginHttpResponse.Json(JsonSerializer.Serialize(new { server = server.Name, results }));
    }

    /// <summary>The body's <c>urls</c>: 1 to <see cref="MaxUrls"/> absolute <c>rtsp://</c> or <c>rtsps://</c> URLs.</summary>
    public static Result<IReadOnlyList<Uri>> ReadUrls(ReadOnlyMemory<byte> body)
    {
        const string shape = "body must be {\"urls\": [\"rtsp://appliance:554/stream\", ...]}";
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("urls", out var urls) || urls.ValueKind != JsonValueKind.Array)
                return new Failure("bad-body", shape);
            if (urls.GetArrayLength() is 0 or > MaxUrls) return new Failure("bad-body", $"urls: 1 to {MaxUrls} entries");
            var list = new List<Uri>();
            foreach (var item in urls.EnumerateArray())
            {
                var text = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                if (text is null || text.Length > 2048 || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("rtsp" or "rtsps"))
                    return new Failure("bad-body", $"urls[{list.Count}]: an absolute rtsp:// URL");
                list.Add(uri);
            }
            return list;
        }
        catch (JsonException ex)
        {
            return new Failure("bad-body", $"{shape} (not JSON: {ex.Message})");
        }
    }

    private static PluginHttpResponse Error(int status, string message) =>
        PluginHttpResponse.Json(JsonSerializer.Serialize(new { error = message }), status);
}
