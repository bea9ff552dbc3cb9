using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.Elasticsearch.Protocol;

/// <summary>
/// The two calls the appliance makes: <c>PUT /_index_template/{name}</c> and <c>POST /_bulk</c> (NDJSON). The caller
/// owns the <see cref="HttpClient"/> (and with it the TLS trust). Failure codes for the whole request: <c>auth</c>
/// (401/403), <c>too-large</c> (413), <c>unavailable</c> (429, 5xx, 408), <c>rejected</c> (other 4xx), <c>timeout</c>,
/// <c>transport</c> (connection, TLS, DNS), <c>answer</c> (an answer that does not read as the API documents).
/// </summary>
public sealed class ElasticClient(HttpClient http)
{
    /// <summary>The longest answer read. A bulk answer is about 150 bytes per item.</summary>
    public const int MaxAnswerBytes = 16 * 1024 * 1024;

    public async Task<Result<bool>> PutIndexTemplateAsync(ElasticEndpoint endpoint, string name, string templateJson, CancellationToken ct)
    {
        var content = new StringContent(templateJson, Encoding.UTF8, "application/json");
        var answer = await SendAsync(endpoint, HttpMethod.Put, $"_index_template/{Uri.EscapeDataString(name)}", content, ct);
        return answer.IsOk ? true : Result<bool>.Fail(answer.Failure!);
    }

    /// <summary>Posts the body of <paramref name="documents"/> documents; Ok(one item per document, in order).</summary>
    public async Task<Result<IReadOnlyList<BulkItem>>> BulkAsync(ElasticEndpoint endpoint, byte[] body, int documents, CancellationToken ct)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        var answer = await SendAsync(endpoint, HttpMethod.Post, "_bulk", content, ct);
        return answer.IsOk ? BulkAnswer.Parse(answer.Value, documents) : Result<IReadOnlyList<BulkItem>>.Fail(answer.Failure!);
    }

    private async Task<Result<byte[]>> SendAsync(ElasticEndpoint endpoint, HttpMethod method, string path, HttpContent content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(endpoint.BaseUrl, path)) { Content = content };
        request.Headers.Authorization = endpoint.Authorization;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(endpoint.Timeout);
        var where = endpoint.BaseUrl.GetLeftPart(UriPartial.Authority);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadLimitedAsync(response.Content, timeout.Token);
            if (body is null) return Result<byte[]>.Fail("answer", $"{where}/{path}: the answer is longer than {MaxAnswerBytes} bytes");
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300) return body;
            var reason = $"{where}/{path}: HTTP {status} {ErrorText(body)}";
            return response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Result<byte[]>.Fail("auth", reason),
                HttpStatusCode.RequestEntityTooLarge => Result<byte[]>.Fail("too-large", reason),
                HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => Result<byte[]>.Fail("unavailable", reason),
                _ when status >= 500 => Result<byte[]>.Fail("unavailable", reason),
                _ => Result<byte[]>.Fail("rejected", reason),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Result<byte[]>.Fail("timeout", $"{where}: no answer within {endpoint.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return Result<byte[]>.Fail("transport", $"{where}: {ex.Message}");
        }
    }

    /// <summary>Null when the answer is longer than <see cref="MaxAnswerBytes"/>.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxAnswerBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Elasticsearch's error answer is <c>{"error":{"type":..,"reason":..},"status":..}</c>; the first 300 characters otherwise.</summary>
    private static string ErrorText(byte[] body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == System.Text.Json.JsonValueKind.Object)
                return $"{(error.TryGetProperty("type", out var t) ? t.ToString() : "error")}: {(error.TryGetProperty("reason", out var r) ? r.ToString() : "")}";
        }
        catch (System.Text.Json.JsonException)
        {
            // not JSON: shown as text below
        }
        var text = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)));
        return text.ReplaceLineEndings(" ");
    }
}
