using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.CloudLink.Provisioning;

/// <summary>What an enrolment came to: the certificates issued, or a wait the server asked for (202 + Retry-After).</summary>
public sealed record EnrolmentAnswer(X509Certificate2Collection? Certificates, TimeSpan? RetryAfter);

/// <summary>
/// Enrolment over EST (RFC 7030): <c>simpleenroll</c> with the one-time enrolment token as HTTP Basic credentials
/// (user = device id, RFC 7030 3.2.3), <c>simplereenroll</c> authenticated by the current device certificate in the TLS
/// handshake. The request is the PKCS#10 in base64 (<c>application/pkcs10</c>), the answer a base64 certs-only PKCS#7.
/// The <see cref="HttpClient"/> is the caller's: its handler carries the trust, the proxy and, to re-enrol, the
/// client certificate.
/// </summary>
public sealed class EstClient(HttpClient http, Uri estBase)
{
    /// <summary>The EST base (e.g. <c>https://est.fleet.example/.well-known/est</c>) must be HTTPS.</summary>
    public static Result<Uri> BaseOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var url))
            return new Failure("malformed", "cloud.enrolment.url must be an absolute https:// URL (the EST base, e.g. https://est.example/.well-known/est)");
        if (url.Scheme != Uri.UriSchemeHttps) return new Failure("malformed", "cloud.enrolment.url must be https://");
        return url;
    }

    public Task<Result<EnrolmentAnswer>> EnrolAsync(byte[] signingRequest, string deviceId, string token, CancellationToken ct) =>
        SendAsync("simpleenroll", signingRequest, new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{deviceId}:{token}"))), ct);

    public Task<Result<EnrolmentAnswer>> ReenrolAsync(byte[] signingRequest, CancellationToken ct) =>
        SendAsync("simplereenroll", signingRequest, null, ct);

    private async Task<Result<EnrolmentAnswer>> SendAsync(string operation, byte[] signingRequest, AuthenticationHeaderValue? auth, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(estBase, operation));
        request.Content = new StringContent(Convert.ToBase64String(signingRequest, Base64FormattingOptions.InsertLineBreaks));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
        request.Content.Headers.Add("Content-Transfer-Encoding", "base64");
        request.Headers.Authorization = auth;
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new Failure("transport", $"{operation} at {estBase.Host} failed: {ex.Message}");
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Accepted)
                return new EnrolmentAnswer(null, response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMinutes(5));
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                return new Failure("enrolment-refused", $"{estBase.Host} refused the {(auth is null ? "device certificate" : "enrolment token")} ({(int)response.StatusCode})");
            if (response.StatusCode != HttpStatusCode.OK)
                return new Failure("enrolment-failed", $"{operation} at {estBase.Host} was answered {(int)response.StatusCode} {response.ReasonPhrase}");
            var body = await ReadBoundedAsync(response, ct);
            if (!body.TryGetValue(out var text, out var tooLarge)) return tooLarge;
            if (!Pkcs7CertsOnly.Parse(text).TryGetValue(out var certificates, out var bad)) return bad;
            return new EnrolmentAnswer(certificates, null);
        }
    }

    private static async Task<Result<string>> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > Pkcs7CertsOnly.MaxBytes)
            return new Failure("malformed", $"the enrolment answer is larger than {Pkcs7CertsOnly.MaxBytes} bytes");
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[Pkcs7CertsOnly.MaxBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
        if (total > Pkcs7CertsOnly.MaxBytes) return new Failure("malformed", $"the enrolment answer is larger than {Pkcs7CertsOnly.MaxBytes} bytes");
        return Encoding.ASCII.GetString(buffer, 0, total);
    }
}
