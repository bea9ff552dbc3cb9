using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Plugins.NxWitness.Protocol;

/// <summary>
/// One request to an Nx server's <c>/api/</c>: sent without credentials first, and on a 401 once more answering its
/// challenge (<see cref="AuthorizationAnswer"/>). Bounded: <see cref="NxServer.Timeout"/> from connect to the last byte,
/// at most <see cref="MaxAnswerBytes"/> read. Never throws for network trouble; failure codes: <c>transport</c>
/// (refused, reset, DNS), <c>timeout</c>, <c>auth</c> (401 with our credentials), <c>server-error</c> (5xx),
/// <c>rejected</c> (another status, or a non-zero API error), <c>bad-reply</c> (see <see cref="NxReply"/>).
/// </summary>
public sealed class NxHttp : IDisposable
{
    public const int MaxAnswerBytes = 256 * 1024;

    private readonly HttpClient _client;

    public NxHttp(HttpMessageHandler? handler = null)
    {
        _client = new HttpClient(handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = 4,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>GET (no body) or POST of a JSON body; Ok is the API's <c>reply</c>.</summary>
    public async Task<Result<JsonElement>> SendAsync(NxServer server, HttpMethod method, string pathAndQuery, string? jsonBody, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(server.Timeout);
        var uri = new Uri(server.BaseUri, pathAndQuery);
        try
        {
            var (status, challenges, body) = await ExchangeAsync(method, uri, jsonBody, null, cts.Token);
            if (status == HttpStatusCode.Unauthorized)
            {
                var answer = AuthorizationAnswer.For(challenges, server.User, server.Password, method.Method, uri.PathAndQuery);
                if (!answer.IsOk) return Result<JsonElement>.Fail(answer.Failure!);
                (status, _, body) = await ExchangeAsync(method, uri, jsonBody, answer.Value, cts.Token);
                if (status == HttpStatusCode.Unauthorized)
                    return Result<JsonElement>.Fail("auth", $"{server}: 401, the server refused user \"{GenericEvent.Clean(server.User, 64)}\" (check the user and password)");
            }
            if (body is null) return Result<JsonElement>.Fail("bad-reply", $"{server}: answer larger than {MaxAnswerBytes} bytes");
            var code = (int)status;
            if (code >= 500) return Result<JsonElement>.Fail("server-error", $"{server}: HTTP {code}{Excerpt(body)}");
            if (code is < 200 or > 299) return Result<JsonElement>.Fail("rejected", $"{server}: HTTP {code}{Excerpt(body)}");
            var reply = NxReply.Parse(body);
            return reply.IsOk ? reply : Result<JsonElement>.Fail(reply.Failure!.Code, $"{server}: {reply.Failure.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Result<JsonElement>.Fail("timeout", $"{server}: no complete answer within {server.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is SocketException se ? $"{se.SocketErrorCode} ({se.Message})" : ex.Message;
            return Result<JsonElement>.Fail("transport", $"{server}: {reason}");
        }
        catch (IOException ex)
        {
            return Result<JsonElement>.Fail("transport", $"{server}: {ex.Message}");
        }
    }

    private async Task<(HttpStatusCode Status, IReadOnlyList<string> Challenges, byte[]? Body)> ExchangeAsync(
        HttpMethod method, Uri uri, string? jsonBody, string? authorization, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (jsonBody is not null) request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var challenges = response.Headers.TryGetValues("WWW-Authenticate", out var values) ? values.Take(8).ToList() : [];
        return (response.StatusCode, challenges, await ReadBoundedAsync(response.Content, ct));
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        if (content.Headers.ContentLength > MaxAnswerBytes) return null;
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > MaxAnswerBytes) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static string Excerpt(byte[] body) =>
        body.Length == 0 ? "" : $" \"{GenericEvent.Clean(Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400)), 120)}\"";

    public void Dispose() => _client.Dispose();
}
