using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.Genetec.Protocol;

/// <summary>
/// Sends Web SDK actions to one Security Center server over HTTPS. Each call is bounded by <c>timeout</c> from
/// connect to the last byte of the answer, reads at most <see cref="MaxAnswerBytes"/>, follows no redirect (the
/// credentials go nowhere else), uses no proxy, and never throws for network trouble: failures carry a code
/// (<c>transport</c>, <c>timeout</c>, <c>tls</c>, <c>unauthorized</c>, <c>forbidden</c>, <c>server-error</c>,
/// <c>http-status</c>, <c>too-large</c>, <c>bad-response</c>, <c>rejected</c>).
/// </summary>
public sealed class WebSdkClient : IDisposable
{
    /// <summary>The most of an answer read (bytes); more is <c>too-large</c>.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    private readonly WebSdkEndpoint _endpoint;
    private readonly WebSdkCredentials _credentials;
    private readonly TimeSpan _timeout;
    private readonly CertificatePin _trust;
    private readonly HttpClient _http;
    private string? _lastRejectedCertificate;

    public WebSdkClient(WebSdkEndpoint endpoint, WebSdkCredentials credentials, CertificatePin trust, TimeSpan timeout)
    {
        _endpoint = endpoint;
        _credentials = credentials;
        _timeout = timeout;
        _trust = trust;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            MaxConnectionsPerServer = 2,
            ConnectTimeout = timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 16,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (trust.Accepts(certificate, errors)) return true;
            _lastRejectedCertificate = certificate is null ? "no certificate" : $"certificate SHA-256 {CertificatePin.Fingerprint(certificate)} ({errors})";
            return false;
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, BaseAddress = endpoint.Base };
    }

    /// <summary>POSTs the action; Ok("Ok") when the server answered 2xx with <c>Rsp.Status == "Ok"</c>.</summary>
    public async Task<Result<string>> SendAsync(WebSdkAction action, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, action.PathAndQuery) { Content = new ByteArrayContent([]) };
            request.Headers.Authorization = _credentials.ToHeader();
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/json"));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var body = await ReadBoundedAsync(response.Content, cts.Token);
            if (body is null) return Result<string>.Fail("too-large", $"{_endpoint} answered more than {MaxAnswerBytes} bytes");
            return response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => Result<string>.Fail("unauthorized", $"{_endpoint} refused {_credentials} (401): check the user, its password and the ApplicationId"),
                HttpStatusCode.Forbidden => Result<string>.Fail("forbidden", $"{_endpoint} answered 403: the SDK certificate's part number is not in the licence, or the user lacks the privilege"),
                >= HttpStatusCode.InternalServerError => Result<string>.Fail("server-error", $"{_endpoint} answered {(int)response.StatusCode}: \"{WebSdkResponse.Shorten(body)}\""),
                _ when !response.IsSuccessStatusCode => Result<string>.Fail("http-status", $"{_endpoint} answered {(int)response.StatusCode} to {action.Describe()}: \"{WebSdkResponse.Shorten(body)}\""),
                _ => WebSdkResponse.Parse(body),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Result<string>.Fail("timeout", $"{_endpoint} did not answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException || ex.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            return Result<string>.Fail("tls", $"{_endpoint}: server certificate not trusted ({_lastRejectedCertificate ?? ex.Message}); trusted: {_trust}");
        }
        catch (HttpRequestException ex)
        {
            return Result<string>.Fail("transport", $"{_endpoint}: {ex.HttpRequestError} ({ex.Message})");
        }
        catch (IOException ex)
        {
            return Result<string>.Fail("transport", $"{_endpoint}: {ex.Message}");
        }
    }

    private static async Task<string?> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        if (content.Headers.ContentLength > MaxAnswerBytes) return null;
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[8192];
        using var answer = new MemoryStream();
        while (true)
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0) return Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length);
            if (answer.Length + n > MaxAnswerBytes) return null;
            answer.Write(buffer, 0, n);
        }
    }

    public void Dispose() => _http.Dispose();
}
