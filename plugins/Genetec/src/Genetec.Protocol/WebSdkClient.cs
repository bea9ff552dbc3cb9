using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Appliance.Abstractions;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Genetec.Protocol;

/// <summary>
/// Sends Web SDK actions to one Security Center server over HTTPS. Each call is bounded by <c>timeout</c> from
/// connect to the last byte of the answer, reads at most <see cref="MaxAnswerBytes"/>, follows no redirect (the
/// credentials go nowhere else), uses no proxy, and never throws for network trouble: failures carry a code
/// (<c>transport</c>, <c>timeout</c>, <c>tls</c>, <c>unauthorized</c>, <c>forbidden</c>, <c>server-error</c>,
/// <c>http-status</c>, <c>too-large</c>, <c>bad-response</c>, <c>rejected</c>).
/// Trust: with a <see cref="CertificatePin"/> (the Web SDK role's certificate is self-signed), exactly that
/// certificate, whatever its chain or name; without one, the system CAs and the host name. Never "accept everything".
/// A refused certificate's error names its SHA-256, to compare with the one the server shows.
/// </summary>
public sealed class WebSdkClient : IDisposable
{
    /// <summary>The most of an answer read (bytes); more is <c>too-large</c>.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    private readonly WebSdkEndpoint _endpoint;
    private readonly WebSdkCredentials _credentials;
    private readonly TimeSpan _timeout;
    private readonly CertificatePin? _pin;
    private readonly HttpClient _http;
    private string? _lastRejectedCertificate;

    /// <param name="pin">The one certificate to accept, or null for the system CAs and the host name.</param>
    internal WebSdkClient(WebSdkEndpoint endpoint, WebSdkCredentials credentials, CertificatePin? pin, TimeSpan timeout)
    {
        _endpoint = endpoint;
        _credentials = credentials;
        _timeout = timeout;
        _pin = pin;
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
            if (pin is null ? errors == SslPolicyErrors.None : pin.Matches(certificate)) return true;
            _lastRejectedCertificate = certificate is null ? "no certificate" : $"certificate SHA-256 {Presented(certificate)} ({errors})";
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
            return Result<string>.Fail("tls", $"{_endpoint}: server certificate not trusted ({_lastRejectedCertificate ?? ex.Message}); trusted: {Trust(_pin)}");
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

    /// <summary>Whom a client trusts, for health and errors: <c>system CAs</c> or <c>SHA-256 {pinned fingerprint}</c>.</summary>
    internal static string Trust(CertificatePin? pin) => pin is null ? "system CAs" : "SHA-256 " + pin.Fingerprint;

    /// <summary>The SHA-256 of the certificate a server presented (upper-case hex, as certificate viewers show it).</summary>
    private static string Presented(X509Certificate certificate) => Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));

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
