using System.Net;
using System.Text;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Plugins.Media.Plugin.Faults;
using Appliance.Plugins.Media.Plugin.Gpio;
using Appliance.Plugins.Media.Plugin.Snapshots;

namespace Appliance.Plugins.Media.Plugin.Routes;

/// <summary>The plugin's HTTP routes (HostApi 1.1 surface, declared in plugin.json with their access).</summary>
internal sealed class MediaRoutes(MediaPlugin plugin)
{
    private static readonly Dictionary<string, string> NoCache = new() { ["Cache-Control"] = "no-cache" };

    public void Map(IHttpSurface http)
    {
        http.Map("GET", "cameras/{id}/snapshot", (r, ct) => Task.FromResult(Snapshot(r)));
        http.Map("GET", "snapshots", (_, _) => Task.FromResult(PluginStreamResponse.Json(JsonSerializer.Serialize(plugin.Store?.List() ?? []))));
        http.Map("GET", "snapshots/{id}", (r, _) => Task.FromResult(Stored(r)));
        http.Map("GET", "codecs", (_, _) => Task.FromResult(PluginStreamResponse.Json(plugin.Codecs?.Describe() ?? "{}")));
        http.Map("GET", "status", (_, _) => Task.FromResult(PluginStreamResponse.Json(plugin.StatusJson())));
        http.Map("GET", "gpio", (_, _) => Task.FromResult(PluginStreamResponse.Json(JsonSerializer.Serialize(plugin.Gpio?.States() ?? new Dictionary<string, bool>()))));
        http.Map("POST", "gpio/outputs/{name}", DriveOutput);
        http.Map("GET", "page", (_, _) => Task.FromResult(PluginStreamResponse.Html(Page())));
        http.Map("GET", "startup", (_, _) => Task.FromResult(PluginStreamResponse.Json(plugin.Startup.Json())));
        http.Map("POST", "faults/native", (_, _) => Task.FromResult(NativeFaultRoute()));
    }

    private PluginStreamResponse Snapshot(PluginStreamRequest request)
    {
        var result = plugin.Snapshots?.Latest(request.RouteValues["id"]);
        if (result is not { } r) return PluginStreamResponse.Text("media plugin not started", 503);
        if (!r.IsOk) return PluginStreamResponse.Text(r.Failure!.Message, r.Failure.Code == "not-found" ? 404 : 503);
        var snapshot = r.Value;
        var headers = new Dictionary<string, string>(NoCache) { ["ETag"] = snapshot.ETag };
        if (request.Header("If-None-Match") is { } tags && tags.Split(',').Any(t => t.Trim() == snapshot.ETag))
            return PluginStreamResponse.Status(304, headers);
        return PluginStreamResponse.Bytes(snapshot.Jpeg, "image/jpeg", headers: headers);
    }

    /// <summary>TEST ONLY: 404 unless <c>faultInjection.enabled</c>; then 202 and the process dies by a native fault
    /// shortly after (<see cref="NativeFault"/>).</summary>
    private PluginStreamResponse NativeFaultRoute()
    {
        if (plugin.Settings is not { FaultInjection: true })
            return PluginStreamResponse.Text("fault injection is off (faultInjection.enabled, test only)", 404);
        plugin.Logger?.Warn("TEST ONLY fault injection: the media process crashes by a native fault (av_strlcpy into address 0) in 200 ms");
        NativeFault.TriggerAfter(TimeSpan.FromMilliseconds(200));
        return PluginStreamResponse.Text("native fault in 200 ms", 202);
    }

    private PluginStreamResponse Stored(PluginStreamRequest request)
    {
        var id = request.RouteValues["id"];
        var jpeg = plugin.Store?.Read(id);
        if (jpeg is null) return PluginStreamResponse.Text($"no snapshot '{id}'", 404);
        var etag = $"\"{id}\"";
        var headers = new Dictionary<string, string> { ["ETag"] = etag, ["Cache-Control"] = "private, max-age=86400" };
        if (request.Header("If-None-Match") == etag) return PluginStreamResponse.Status(304, headers);
        return PluginStreamResponse.Bytes(jpeg, "image/jpeg", headers: headers);
    }

    private async Task<PluginStreamResponse> DriveOutput(PluginStreamRequest request, CancellationToken cancellationToken)
    {
        if (plugin.Gpio is not { } gpio) return PluginStreamResponse.Text(GpioService.NotConfigured, 409);
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return PluginStreamResponse.Text($"body is not JSON: {e.Message}", 400);
        }
        if (body.ValueKind != JsonValueKind.Object) return PluginStreamResponse.Text("body must be an object like {\"active\":true,\"pulseMs\":500}", 400);
        var active = !body.TryGetProperty("active", out var a) || a.ValueKind == JsonValueKind.True;
        TimeSpan? pulse = null;
        if (body.TryGetProperty("pulseMs", out var p))
        {
            var length = p.TryGetInt32(out var ms) ? PulseLength.FromMilliseconds(ms) : PulseLength.OutOfRange;
            if (!length.IsOk) return PluginStreamResponse.Text(length.Failure!.Message, 400);
            pulse = length.Value;
        }
        var result = gpio.Drive(request.RouteValues["name"], active, pulse);
        return result.IsOk ? PluginStreamResponse.Json(JsonSerializer.Serialize(new { output = request.RouteValues["name"], active = result.Value, pulseMs = pulse?.TotalMilliseconds }))
                           : PluginStreamResponse.Text(result.Failure!.Message, 404);
    }

    private string Page()
    {
        var html = new StringBuilder("<h2>Codecs</h2><p>What this board can decode and encode, what was chosen and why.</p><table><tr><th>format</th><th>direction</th><th>chosen</th><th>why</th></tr>");
        if (plugin.Codecs is { } codecs)
        {
            using var doc = JsonDocument.Parse(codecs.Describe());
            foreach (var c in doc.RootElement.GetProperty("choices").EnumerateArray())
                html.Append("<tr><td>").Append(Enc(c, "format")).Append("</td><td>").Append(Enc(c, "direction")).Append("</td><td>")
                    .Append(Enc(c, "chosen")).Append(" (").Append(Enc(c, "path")).Append(")</td><td>").Append(Enc(c, "reason")).Append("</td></tr>");
            html.Append("</table>");
            foreach (var w in doc.RootElement.GetProperty("warnings").EnumerateArray())
                html.Append("<p class=\"warning\">").Append(WebUtility.HtmlEncode(w.GetString())).Append("</p>");
        }
        else html.Append("</table><p>Not started.</p>");
        return html.ToString();

        static string Enc(JsonElement e, string name) =>
            WebUtility.HtmlEncode(e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "-" : "-");
    }
}
