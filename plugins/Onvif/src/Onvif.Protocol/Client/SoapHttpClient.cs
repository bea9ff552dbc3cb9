using Appliance.Abstractions;
using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Security;
using Appliance.Plugins.Onvif.Protocol.Soap;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Client;

/// <summary>A camera login. Used for the WS-Security UsernameToken and, when the camera asks, HTTP Digest.</summary>
public sealed record OnvifCredentials(string Username, string Password)
{
    public override string ToString() => $"OnvifCredentials {{ Username = {Username}, Password = *** }}";
}

/// <summary>Limits and switches of a <see cref="SoapHttpClient"/>.</summary>
public sealed record SoapClientOptions
{
    public int MaxResponseBytes { get; init; } = SafeXml.DefaultMaxBytes;

    /// <summary>Per-call timeout; PullMessages adds its own long-poll time on top.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Send the WS-Security UsernameToken header (off: HTTP Digest only).</summary>
    public bool UseWsSecurity { get; init; } = true;
}

/// <summary>
/// SOAP 1.2 over HTTP (ONVIF Core, "Web services" / HTTP binding): one POST per call, WS-Security UsernameToken
/// with password digest stamped with the camera's clock, and an HTTP Digest (RFC 7616) retry when the camera answers
/// 401 with a Digest challenge. Thread-safe.
/// </summary>
public sealed class SoapHttpClient(HttpClient http, OnvifCredentials? credentials, TimeProvider time, SoapClientOptions? options = null)
{
    private readonly SoapClientOptions _options = options ?? new SoapClientOptions();
    private readonly Lock _digestLock = new();
    private DigestChallenge? _digest;
    private int _nonceCount;

    /// <summary>The camera clock's offset from ours; set from GetSystemDateAndTime (see <see cref="OnvifClient.SynchronizeClockAsync"/>).</summary>
    public ClockOffset Clock { get; set; } = ClockOffset.None;

    public TimeProvider Time => time;

    public SoapClientOptions Options => _options;

    public async Task<Result<SoapMessage>> CallAsync(Uri address, XElement body, string? action = null,
        IEnumerable<XElement>? headers = null, bool authenticate = true, TimeSpan? extraTimeout = null,
        CancellationToken cancellationToken = default)
    {
        var extraHeaders = headers?.ToList() ?? [];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout + (extraTimeout ?? TimeSpan.Zero));
        try
        {
            var challengedThisCall = false;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var envelope = BuildEnvelope(body, extraHeaders, authenticate);
                using var request = new HttpRequestMessage(HttpMethod.Post, address) { Content = new ByteArrayContent(envelope) };
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(
                    action is null ? "application/soap+xml; charset=utf-8" : $"application/soap+xml; charset=utf-8; action=\"{action}\"");
                var sentDigest = false;
                var challenge = authenticate && credentials is not null ? CurrentDigest() : null;
                if (challenge is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization",
                        DigestAuthorization.Create(challenge.Value.Challenge, credentials!.Username, credentials.Password, "POST",
                            address.PathAndQuery, DigestAuthorization.NewClientNonce(), challenge.Value.NonceCount));
                    sentDigest = true;
                }
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    var answer = OnUnauthorized(response, authenticate, sentDigest, challengedThisCall);
                    if (answer is not null) return Result<SoapMessage>.Fail(answer);
                    challengedThisCall = true;
                    continue;
                }
                return await ReadResponseAsync(response, timeout.Token).ConfigureAwait(false);
            }
            return Result<SoapMessage>.Fail(ErrorKind.NotAuthorized, $"HTTP Digest authentication to {address} failed repeatedly");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Result<SoapMessage>.Fail(ErrorKind.Transport, $"no answer from {address} within {_options.Timeout + (extraTimeout ?? TimeSpan.Zero)}");
        }
        catch (HttpRequestException ex)
        {
            return Result<SoapMessage>.Fail(ErrorKind.Transport, $"HTTP request to {address} failed: {ex.Message}");
        }
        catch (IOException ex)
        {
            return Result<SoapMessage>.Fail(ErrorKind.Transport, $"connection to {address} broke: {ex.Message}");
        }
    }

    private byte[] BuildEnvelope(XElement body, List<XElement> headers, bool authenticate)
    {
        var blocks = new List<XElement>(headers);
        if (authenticate && credentials is not null && _options.UseWsSecurity)
            blocks.Add(UsernameToken.Create(credentials.Username, credentials.Password, Clock.CameraNow(time)).ToHeader());
        return SoapEnvelope.Build(body, blocks);
    }

    /// <summary>Null to retry with a (new) Digest challenge; an error when there is nothing more to try.</summary>
    private Failure? OnUnauthorized(HttpResponseMessage response, bool authenticate, bool sentDigest, bool challengedThisCall)
    {
        if (!authenticate || credentials is null)
            return new Failure(ErrorKind.NotAuthorized, "HTTP 401: the camera requires authentication and no credentials are configured");
        var digest = response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase));
        if (digest is null)
            return new Failure(ErrorKind.NotAuthorized,
                $"HTTP 401 without a Digest challenge (offered: {string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.Scheme))})");
        var parsed = DigestChallenge.Parse(digest.Parameter);
        if (!parsed.TryGetValue(out var challenge, out var error)) return error;
        if (sentDigest && challengedThisCall && !challenge.Stale)
            return new Failure(ErrorKind.NotAuthorized, "HTTP Digest credentials refused (wrong user name or password)");
        lock (_digestLock)
        {
            _digest = challenge;
            _nonceCount = 0;
        }
        return null;
    }

    private (DigestChallenge Challenge, int NonceCount)? CurrentDigest()
    {
        lock (_digestLock)
            return _digest is null ? null : (_digest, ++_nonceCount);
    }

    private async Task<Result<SoapMessage>> ReadResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var declared = response.Content.Headers.ContentLength;
        if (declared > _options.MaxResponseBytes)
            return Result<SoapMessage>.Fail(ErrorKind.TooLarge, $"response of {declared} bytes exceeds the limit of {_options.MaxResponseBytes} bytes");
        var body = await ReadLimitedAsync(response.Content, _options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
            return Result<SoapMessage>.Fail(ErrorKind.TooLarge, $"response exceeds the limit of {_options.MaxResponseBytes} bytes");
        var status = (int)response.StatusCode;
        if (body.Length == 0)
            return Result<SoapMessage>.Fail(status is >= 200 and < 300 ? ErrorKind.UnexpectedMessage : ErrorKind.Transport,
                $"HTTP {status} {response.ReasonPhrase} with an empty body");
        var message = SoapMessage.Read(body, _options.MaxResponseBytes);
        if (!message.IsOk && status is not (>= 200 and < 300) && message.Failure!.Code is not (ErrorKind.SoapFault or ErrorKind.NotAuthorized))
            return Result<SoapMessage>.Fail(ErrorKind.Transport, $"HTTP {status} {response.ReasonPhrase}: {message.Failure.Message}");
        return message;
    }

    private static async Task<byte[]?> ReadLimitedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0) return buffer.ToArray();
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
    }
}
