using System.Text;
using System.Text.Json;
using Appliance.Abstractions.Http;

namespace Appliance.TestPlugins.Surface;

/// <summary>
/// The plugin's portal page routes. Config <c>page</c>: <c>ok</c> (a fragment naming the caller, with a script file
/// that writes through the CSRF-protected <c>upload</c> route), <c>hostile</c> (inline script and an event handler
/// attribute that would change the page if they ran), <c>big</c> (8 MiB of HTML), <c>hang</c> (never answers until
/// cancelled), <c>stuck</c> (answers after 20 s whatever its token says), <c>json</c> (not HTML).
/// Routes: <c>GET page</c>, <c>GET page.js</c>.
/// </summary>
internal static class SurfacePage
{
    public const string Marker = "surface-page";

    public static void Map(IHttpSurface http, string label, string mode)
    {
        http.Map("GET", "page", async (request, ct) =>
        {
            switch (mode)
            {
                case "hang":
                    await Task.Delay(Timeout.Infinite, ct);
                    return PluginStreamResponse.Status(500);
                case "stuck":
                    // Ignores its cancellation token: the host must not depend on it.
                    await Task.Delay(TimeSpan.FromSeconds(20), CancellationToken.None);
                    return PluginStreamResponse.Html("<p>too late</p>");
                case "json":
                    return PluginStreamResponse.Json("{\"page\": \"not html\"}");
                case "big":
                    return PluginStreamResponse.Stream("text/html; charset=utf-8", async (body, token) =>
                    {
                        var chunk = Encoding.UTF8.GetBytes("<p>" + new string('x', 65530) + "</p>");
                        for (var i = 0; i < 128; i++) await body.WriteAsync(chunk, token);
                    });
                case "hostile":
                    return PluginStreamResponse.Html(
                        $"<p id=\"{Marker}\">hostile {label}</p>" +
                        $"<script>document.getElementById('{Marker}').textContent = 'inline script ran';</script>" +
                        "<img id=\"surface-img\" src=\"/no-such-image.png\" alt=\"\" onerror=\"document.title = 'handler ran'\">");
                default:
                    var query = string.Join(",", request.Query.Select(q => $"{q.Key}={q.Value}"));
                    var credentials = request.Header("Cookie") is null && request.Header("Authorization") is null ? "none" : "passed";
                    return PluginStreamResponse.Html(
                        $"<p id=\"{Marker}\">page of {label} for {Encode(request.Caller.User)} ({request.Caller.Role?.ToString().ToLowerInvariant()}), query {Encode(query)}, credentials {credentials}</p>" +
                        "<p id=\"surface-js\">script not run</p>" +
                        $"<script src=\"{http.BasePath}/page.js\"></script>");
            }
        });
        http.Map("GET", "page.js", (_, _) => Task.FromResult(PluginStreamResponse.Bytes(Encoding.UTF8.GetBytes(Script(http.BasePath)), "text/javascript; charset=utf-8")));
    }

    private static string Encode(string? text) => System.Net.WebUtility.HtmlEncode(text ?? "");

    /// <summary>Posts to the plugin's upload route with the layout's CSRF token and shows the answer.</summary>
    private static string Script(string basePath) => $$"""
        (async () => {
          const out = document.getElementById("surface-js");
          const token = document.querySelector("meta[name=csrf-token]")?.content || "";
          const response = await fetch({{JsonSerializer.Serialize(basePath + "/upload")}}, { method: "POST", credentials: "same-origin", headers: { "X-CSRF-TOKEN": token }, body: "12345" });
          const answer = response.ok ? await response.json() : null;
          out.textContent = answer ? `uploaded ${answer.bytes} bytes as ${answer.user}` : `upload refused: HTTP ${response.status}`;
        })();
        """;
}
