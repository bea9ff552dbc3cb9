using System.Text;

namespace Appliance.Abstractions.Http;

/// <summary>
/// Writes a response body to <paramref name="body"/> (the connection's stream). Called once, after the status and
/// headers are sent; write in pieces (a 1 GiB download never sits in memory). Not called for <c>HEAD</c>.
/// </summary>
public delegate Task ResponseBodyWriter(Stream body, CancellationToken cancellationToken);

/// <summary>Answers one request. Cancelled when the client goes away or the plugin stops.</summary>
public delegate Task<PluginStreamResponse> PluginStreamHandler(PluginStreamRequest request, CancellationToken cancellationToken);

/// <summary>
/// A HostApi 1.1 response: status, headers, and a streamed body. Headers are sent as given (<c>Content-Type</c>,
/// <c>Content-Length</c>, <c>Location</c>, <c>Content-Disposition</c>, <c>ETag</c>, <c>Accept-Ranges</c>,
/// <c>Content-Range</c>, <c>Cache-Control</c>...), except hop-by-hop and security headers the host owns
/// (<c>Connection</c>, <c>Transfer-Encoding</c>, <c>Set-Cookie</c>, <c>Content-Security-Policy</c>,
/// <c>Strict-Transport-Security</c>), which are dropped. A <c>Content-Length</c> header must match what the body
/// writes. <see cref="Body"/> null = no body.
/// </summary>
public sealed record PluginStreamResponse(int StatusCode, IReadOnlyDictionary<string, string> Headers, ResponseBodyWriter? Body)
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    /// <summary>A status without a body (e.g. 204, 304, 404).</summary>
    public static PluginStreamResponse Status(int statusCode, IReadOnlyDictionary<string, string>? headers = null) =>
        new(statusCode, headers ?? NoHeaders, null);

    /// <summary>A small body already in memory, with its <c>Content-Type</c> and <c>Content-Length</c>.</summary>
    public static PluginStreamResponse Bytes(ReadOnlyMemory<byte> bytes, string contentType, int statusCode = 200, IReadOnlyDictionary<string, string>? headers = null)
    {
        var all = new Dictionary<string, string>(headers ?? NoHeaders, StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = contentType,
            ["Content-Length"] = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return new(statusCode, all, (stream, ct) => stream.WriteAsync(bytes, ct).AsTask());
    }

    public static PluginStreamResponse Text(string text, int statusCode = 200) =>
        Bytes(Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8", statusCode);

    public static PluginStreamResponse Json(string json, int statusCode = 200) =>
        Bytes(Encoding.UTF8.GetBytes(json), "application/json", statusCode);

    /// <summary>An HTML fragment (a portal page's content: the host wraps it in the portal's layout).</summary>
    public static PluginStreamResponse Html(string html, int statusCode = 200) =>
        Bytes(Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", statusCode);

    /// <summary>A streamed body of unknown or known length (<paramref name="length"/> sets <c>Content-Length</c>).</summary>
    public static PluginStreamResponse Stream(string contentType, ResponseBodyWriter body, long? length = null, int statusCode = 200, IReadOnlyDictionary<string, string>? headers = null)
    {
        var all = new Dictionary<string, string>(headers ?? NoHeaders, StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = contentType };
        if (length is { } n) all["Content-Length"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new(statusCode, all, body);
    }

    /// <summary>201 Created (or another status) with a <c>Location</c> header.</summary>
    public static PluginStreamResponse Created(string location, int statusCode = 201) =>
        Status(statusCode, new Dictionary<string, string> { ["Location"] = location });
}
