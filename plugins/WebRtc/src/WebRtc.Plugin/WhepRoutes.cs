using System.Text;
using System.Text.Json;
using Appliance.Abstractions.Http;
using Appliance.Plugins.Shared;
using Appliance.Plugins.WebRtc.Protocol.Whep;

namespace Appliance.Plugins.WebRtc.Plugin;

/// <summary>Maps the WHEP service and the live view onto the host's HTTP surface (HostApi 1.1).</summary>
internal static class WhepRoutes
{
    public const string ResourcePrefix = "/whep-resource/";
    private const int MaxBody = 65536;

    public static void Map(IHttpSurface http, WhepService whep)
    {
        http.Map("OPTIONS", "/whep/{**stream}", (_, _) => Task.FromResult(ToHttp(WhepService.Options())));
        http.Map("POST", "/whep/{**stream}", async (request, ct) =>
        {
            if (request.Caller.Role is null) return Unauthorized();
            var body = await ReadBodyAsync(request, ct);
            if (body is null) return PluginStreamResponse.Text("WHEP: the offer is too large", 413);
            return ToHttp(await whep.OfferAsync(request.RouteValues["stream"], request.Header("Content-Type"), body, ct));
        });
        http.Map("PATCH", ResourcePrefix + "{session}", async (request, ct) =>
        {
            if (request.Caller.Role is null) return Unauthorized();
            var body = await ReadBodyAsync(request, ct);
            if (body is null) return PluginStreamResponse.Text("WHEP: the fragment is too large", 413);
            return ToHttp(whep.Patch(request.RouteValues["session"], request.Header("Content-Type"), request.Header("If-Match"), body));
        });
        http.Map("DELETE", ResourcePrefix + "{session}", async (request, _) =>
            request.Caller.Role is null ? Unauthorized() : ToHttp(await whep.DeleteAsync(request.RouteValues["session"])));
        http.Map("GET", "sessions", (request, _) =>
        {
            var json = JsonSerializer.Serialize(whep.Snapshots().Select(s => new
            {
                s.Id,
                State = s.State.ToString(),
                Path = s.Path.ToString(),
                s.BitrateKbps,
                s.RoundTripMs,
                s.FramesSent,
                s.SrtpProfile,
            }));
            return Task.FromResult(PluginStreamResponse.Json(json));
        });
        http.Map("GET", "live", (_, _) => Task.FromResult(PluginStreamResponse.Html(PortalAssets.Read("live.html"))));
        http.Map("GET", "live.js", (_, _) => Task.FromResult(PluginStreamResponse.Bytes(Encoding.UTF8.GetBytes(PortalAssets.Read("live.js")), "text/javascript; charset=utf-8")));
    }

    /// <summary>The host authenticates viewer routes; this is the belt to its braces (a caller without a role is refused).</summary>
    private static PluginStreamResponse Unauthorized() =>
        PluginStreamResponse.Bytes(Encoding.UTF8.GetBytes("WHEP: sign in or send a bearer token\n"), "text/plain; charset=utf-8", 401,
            new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" });

    private static async Task<byte[]?> ReadBodyAsync(PluginStreamRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBody) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > MaxBody) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static PluginStreamResponse ToHttp(WhepResponse response) =>
        response.Body is null
            ? PluginStreamResponse.Status(response.Status, response.Headers)
            : PluginStreamResponse.Bytes(response.Body, response.ContentType ?? "application/octet-stream", response.Status, response.Headers);
}
