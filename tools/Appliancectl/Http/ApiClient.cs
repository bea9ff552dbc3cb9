using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Authentication;
using System.Text.Json;

namespace Appliance.Tools.Appliancectl.Http;

/// <summary>The appliance's <c>/api/v1</c> over HTTPS with a bearer token; every failure becomes an <see cref="ApiException"/>.</summary>
public sealed class ApiClient : IDisposable
{
    private const int MaxErrorBodyChars = 2000;
    private readonly HttpClient _http;
    private readonly CertificateTrust _trust;
    private readonly TimeSpan _timeout;

    public ApiClient(Uri baseUri, string? token, CertificateTrust trust, TimeSpan? timeout = null)
    {
        _trust = trust;
        _timeout = timeout ?? TimeSpan.FromSeconds(100);
        // Timeouts are per request phase (see SendRawAsync), so a followed event stream can stay open for days.
        _http = new HttpClient(trust.CreateHandler())
        {
            BaseAddress = baseUri,
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = 64 * 1024 * 1024,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("appliancectl/1");
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri BaseUri => _http.BaseAddress!;

    public CertificateTrust Trust => _trust;

    public Task<JsonElement> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonElement> PostJsonAsync(string path, object body, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, JsonContent.Create(body), ct);

    /// <summary>Sends a request and returns the JSON answer (an empty object for 204 No Content).</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        if (response.StatusCode == HttpStatusCode.NoContent) return JsonSerializer.SerializeToElement(new { });
        var text = await response.Content.ReadAsStringAsync(ct);
        if (text.Length == 0) return JsonSerializer.SerializeToElement(new { });
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(text);
        }
        catch (JsonException)
        {
            throw new ApiException($"{method} {path}: the appliance answered {(int)response.StatusCode} with something that is not JSON: {Clip(text)}", (int)response.StatusCode);
        }
    }

    /// <summary>Opens a streaming response (server-sent events); the caller disposes it.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>Opens a file download (the body is read by the caller, who disposes the response).</summary>
    public async Task<HttpResponseMessage> OpenDownloadAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>
    /// Sends <paramref name="request"/>; the timeout covers the call up to the headers (and the body when
    /// <paramref name="completion"/> reads it), never a streamed body read later.
    /// </summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        HttpResponseMessage response;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        try
        {
            response = await _http.SendAsync(request, completion, timeout.Token);
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException || _trust.PresentedSha256 is not null && ex.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            throw new ApiException(_trust.RefusalMessage());
        }
        catch (HttpRequestException ex)
        {
            throw new ApiException($"cannot reach the appliance at {BaseUri}: {ex.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ApiException($"the appliance at {BaseUri} did not answer within {_timeout.TotalSeconds:0} s");
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new ApiException(Describe(request, response.StatusCode, body), (int)response.StatusCode, ProblemDetail(body));
        }
    }

    private static string Describe(HttpRequestMessage request, HttpStatusCode status, string body)
    {
        var what = $"{request.Method} {request.RequestUri?.AbsolutePath}";
        if (status == HttpStatusCode.Unauthorized)
            return $"{what}: the appliance refused the credentials (401); run 'appliancectl login' again or pass --token";
        var detail = ProblemDetail(body) ?? (body.Length == 0 ? status.ToString() : Clip(body));
        return $"{what}: {(int)status} {detail}";
    }

    /// <summary>The <c>detail</c> (or <c>title</c>) of an RFC 9457 problem document, if the body is one.</summary>
    public static string? ProblemDetail(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            if (doc.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String) return detail.GetString();
            if (doc.RootElement.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String) return title.GetString();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Clip(string text) => text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] + "..." : text;

    public void Dispose() => _http.Dispose();
}
