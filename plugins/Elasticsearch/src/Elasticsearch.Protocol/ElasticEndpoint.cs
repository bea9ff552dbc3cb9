using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.Elasticsearch.Protocol;

/// <summary>
/// A cluster's HTTPS address and how to authenticate: an API key (<c>Authorization: ApiKey &lt;base64 id:key&gt;</c>,
/// as Elasticsearch's create-API-key call returns it in <c>encoded</c>) or a user and password (Basic).
/// </summary>
public sealed record ElasticEndpoint(Uri BaseUrl, AuthenticationHeaderValue? Authorization, TimeSpan Timeout)
{
    /// <summary>Failure code <c>config</c>: empty host, both or half of the credentials.</summary>
    public static Result<ElasticEndpoint> Create(string host, int port, string? apiKey, string? username, string? password, TimeSpan timeout)
    {
        if (string.IsNullOrWhiteSpace(host)) return Result<ElasticEndpoint>.Fail("config", "host: the cluster's host is empty");
        var hasKey = !string.IsNullOrEmpty(apiKey);
        var hasUser = !string.IsNullOrEmpty(username);
        if (hasKey && hasUser) return Result<ElasticEndpoint>.Fail("config", "give either apiKey or username/password, not both");
        if (hasUser && string.IsNullOrEmpty(password)) return Result<ElasticEndpoint>.Fail("config", "password: required with username");
        var text = string.Create(CultureInfo.InvariantCulture, $"https://{host}:{port}/");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url)) return Result<ElasticEndpoint>.Fail("config", $"'{text}' is not a URL");
        var authorization = hasKey ? new AuthenticationHeaderValue("ApiKey", apiKey)
            : hasUser ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")))
            : null;
        return new ElasticEndpoint(url, authorization, timeout);
    }
}
