namespace Appliance.Plugins.Onvif.Plugin.Facade.Http;

/// <summary>One HTTP/1.1 request as the facade reads it: request line, headers (names case-insensitive), the whole body.</summary>
public sealed record HttpRequest(string Method, string Target, string Version, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The path without the query.</summary>
    public string Path => Target.Split('?', 2)[0];

    /// <summary>HTTP/1.1 keeps the connection unless the client says <c>close</c>; HTTP/1.0 closes unless it says <c>keep-alive</c>.</summary>
    public bool KeepAlive
    {
        get
        {
            var connection = Header("Connection") ?? "";
            return Version == "HTTP/1.1"
                ? !connection.Contains("close", StringComparison.OrdinalIgnoreCase)
                : connection.Contains("keep-alive", StringComparison.OrdinalIgnoreCase);
        }
    }
}

/// <summary>What the facade answers: status, extra headers, body with its content type.</summary>
public sealed record HttpResponse(int Status, string ContentType, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public static HttpResponse Soap(int status, byte[] body, params KeyValuePair<string, string>[] headers) =>
        new(status, "application/soap+xml; charset=utf-8", body, headers);

    public static HttpResponse Text(int status, string text) =>
        new(status, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(text + "\n"), []);
}
