namespace Appliance.Abstractions;

/// <summary>An HTTP request as a plugin sees it; no web framework types cross the plugin boundary.</summary>
public sealed record PluginHttpRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> RouteValues,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body,
    string? User);

public sealed record PluginHttpResponse(int StatusCode, string ContentType, ReadOnlyMemory<byte> Body)
{
    public static PluginHttpResponse Text(string text, int status = 200) =>
        new(status, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(text));

    public static PluginHttpResponse Json(string json, int status = 200) =>
        new(status, "application/json", System.Text.Encoding.UTF8.GetBytes(json));
}

public delegate Task<PluginHttpResponse> PluginRequestHandler(PluginHttpRequest request, CancellationToken cancellationToken);

public interface IRouteRegistry
{
    /// <summary>
    /// Maps <paramref name="method"/> and a route template relative to <c>/plugins/{id}/</c>
    /// (e.g. <c>"status"</c>, <c>"cameras/{name}"</c>). Removed when the plugin stops.
    /// </summary>
    void Map(string method, string template, PluginRequestHandler handler);
}
