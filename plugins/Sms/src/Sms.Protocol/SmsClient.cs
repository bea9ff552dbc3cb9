using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Plugins.Sms.Protocol;

/// <summary>
/// Sends one message as the Twilio Messages API takes it: <c>POST</c> of an
/// <c>application/x-www-form-urlencoded</c> form with <c>To</c>, <c>From</c> and <c>Body</c>, HTTP Basic
/// authentication with the account and its token; a 2xx answer carries the message's <c>sid</c>. The caller owns the
/// <see cref="HttpClient"/> (and with it the TLS trust).
/// </summary>
public sealed class SmsClient(HttpClient http)
{
    /// <summary>The longest answer read: gateways answer with a small JSON document.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    /// <summary>
    /// Ok(the gateway's message id). Failure codes: <c>auth</c> (401/403: credentials refused), <c>rejected</c> (other
    /// 4xx: e.g. an invalid number; the gateway's error code and message are kept), <c>unavailable</c> (5xx, 408,
    /// 429), <c>timeout</c>, <c>transport</c> (connection, TLS, DNS), <c>answer</c> (a 2xx answer without a message id).
    /// </summary>
    public async Task<Result<string>> SendAsync(SmsGateway gateway, SmsMessage message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, gateway.Url)
        {
            Content = new FormUrlEncodedContent([new("To", message.To), new("From", gateway.From), new("Body", message.Body)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{gateway.Account}:{gateway.Token}")));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(gateway.Timeout);
        var where = gateway.Url.GetLeftPart(UriPartial.Authority);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadLimitedAsync(response.Content, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                var sid = Field(body, "sid");
                return sid is null ? Result<string>.Fail("answer", $"{where}: HTTP {status} without a message sid") : sid;
            }
            var reason = $"{where}: HTTP {status} {Field(body, "code")} {Field(body, "message") ?? response.ReasonPhrase}".Replace("  ", " ", StringComparison.Ordinal);
            return response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Result<string>.Fail("auth", reason),
                HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => Result<string>.Fail("unavailable", reason),
                _ when status >= 500 => Result<string>.Fail("unavailable", reason),
                _ => Result<string>.Fail("rejected", reason),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Result<string>.Fail("timeout", $"{where}: no answer within {gateway.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return Result<string>.Fail("transport", $"{where}: {ex.Message}");
        }
    }

    private static async Task<string> ReadLimitedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxAnswerBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>A top-level string or number field of a JSON answer; null when the answer is not JSON or lacks it.</summary>
    private static string? Field(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty(name, out var value)) return null;
            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
