using System.Net;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.Webhooks.Protocol;

/// <summary>One delivery attempt: a signed HTTPS POST of the JSON body. The caller owns the <see cref="HttpClient"/>.</summary>
public sealed class WebhookClient(HttpClient http, TimeProvider time)
{
    /// <summary>
    /// Sends the message. Ok(status) for a 2xx answer; otherwise a failure whose code says what to do:
    /// <c>rejected</c> (4xx other than 408/429: the receiver refuses this message, e.g. a bad signature),
    /// <c>gone</c> (410: the receiver asks to stop), <c>unavailable</c> (5xx, 408, 429), <c>timeout</c>,
    /// <c>transport</c> (connection refused, TLS, DNS).
    /// </summary>
    public async Task<Result<int>> SendAsync(WebhookTarget target, WebhookMessage message, CancellationToken ct)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new StringContent(message.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.IdHeader, message.Id);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(target.Secret, message.Id, timestamp, message.Body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(target.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300) return status;
            var reason = $"{target.Name}: HTTP {status} {response.ReasonPhrase}";
            return response.StatusCode switch
            {
                HttpStatusCode.Gone => Result<int>.Fail("gone", reason),
                HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => Result<int>.Fail("unavailable", reason),
                _ when status >= 500 => Result<int>.Fail("unavailable", reason),
                _ => Result<int>.Fail("rejected", reason),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Result<int>.Fail("timeout", $"{target.Name}: no answer within {target.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return Result<int>.Fail("transport", $"{target.Name}: {ex.Message}");
        }
    }
}
