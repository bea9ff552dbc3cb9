using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Plugin.Tests.Support;

/// <summary>
/// A loopback HTTP server (HttpListener) that does for the live view what the portal does: serves the plugin's
/// <c>live</c> page inside a document, its script under <c>/plugins/appliance.webrtc/</c>, a camera list at
/// <c>/api/v1/cameras</c>, and forwards <c>/whep/...</c> and <c>/whep-resource/...</c> to the plugin's own route
/// handlers with a signed-in viewer as caller. Records every WHEP stream asked for.
/// </summary>
internal sealed class LivePageServer : IDisposable
{
    private readonly IReadOnlyDictionary<string, PluginStreamHandler> _handlers;
    private readonly string _camerasJson;
    private readonly LoopbackHttpServer _server;

    public LivePageServer(IReadOnlyDictionary<string, PluginStreamHandler> handlers, string camerasJson)
    {
        _handlers = handlers;
        _camerasJson = camerasJson;
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public int Port => _server.Port;

    public string Url(string pathAndQuery) => $"http://127.0.0.1:{Port}{pathAndQuery}";

    /// <summary>Stream names the page POSTed WHEP offers for, in order.</summary>
    public ConcurrentQueue<string> WhepStreams { get; } = new();

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        try
        {
            if (request.HttpMethod == "GET" && path == "/live")
            {
                var fragment = await InvokeAsync("GET", "live", path, [], request);
                var page = "<!doctype html><html><head><meta charset=utf-8><meta name=\"csrf-token\" content=\"test\"><title>Live</title></head><body>" +
                    Encoding.UTF8.GetString(fragment.Body) + "</body></html>";
                await WriteAsync(context, 200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(page), new Dictionary<string, string>());
                return;
            }
            if (request.HttpMethod == "GET" && path == "/api/v1/cameras")
            {
                await WriteAsync(context, 200, "application/json", Encoding.UTF8.GetBytes(_camerasJson), new Dictionary<string, string>());
                return;
            }
            (string Method, string Template, Dictionary<string, string> Route)? route = (request.HttpMethod, path) switch
            {
                ("GET", "/plugins/appliance.webrtc/live.js") => ("GET", "live.js", new()),
                (_, var p) when p.StartsWith("/whep/", StringComparison.Ordinal) => (request.HttpMethod, "/whep/{**stream}", new() { ["stream"] = p["/whep/".Length..] }),
                (_, var p) when p.StartsWith("/whep-resource/", StringComparison.Ordinal) => (request.HttpMethod, "/whep-resource/{session}", new() { ["session"] = p["/whep-resource/".Length..] }),
                _ => null,
            };
            if (route is null || !_handlers.ContainsKey($"{route.Value.Method} {route.Value.Template}"))
            {
                await WriteAsync(context, 404, "text/plain", "not found"u8.ToArray(), new Dictionary<string, string>());
                return;
            }
            if (route.Value.Template == "/whep/{**stream}" && request.HttpMethod == "POST") WhepStreams.Enqueue(route.Value.Route["stream"]);
            var answer = await InvokeAsync(route.Value.Method, route.Value.Template, path, route.Value.Route, request);
            await WriteAsync(context, answer.Status, answer.ContentType, answer.Body, answer.Headers);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
        }
    }

    private async Task<(int Status, string ContentType, byte[] Body, IReadOnlyDictionary<string, string> Headers)> InvokeAsync(
        string method, string template, string path, Dictionary<string, string> route, HttpListenerRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in request.Headers.AllKeys) if (key is not null) headers[key] = request.Headers[key]!;
        var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body);
        body.Position = 0;
        var pluginRequest = new PluginStreamRequest(method, path, route, new Dictionary<string, string>(), headers, body.Length, body,
            new PluginCaller("alice", UserRole.Viewer), "127.0.0.1");
        var response = await _handlers[$"{method} {template}"](pluginRequest, CancellationToken.None);
        var output = new MemoryStream();
        if (response.Body is not null) await response.Body(output, CancellationToken.None);
        var contentType = response.Headers.TryGetValue("Content-Type", out var ct) ? ct : "application/octet-stream";
        return (response.StatusCode, contentType, output.ToArray(), response.Headers);
    }

    private static async Task WriteAsync(HttpListenerContext context, int status, string contentType, byte[] body, IReadOnlyDictionary<string, string> headers)
    {
        var response = context.Response;
        response.StatusCode = status;
        foreach (var (key, value) in headers)
            if (!key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                response.Headers[key] = value;
        response.ContentType = contentType;
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    }

    public void Dispose() => _server.Dispose();
}
