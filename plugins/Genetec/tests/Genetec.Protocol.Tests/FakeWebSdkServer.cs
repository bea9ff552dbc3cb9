using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Appliance.Testing;

namespace Appliance.Plugins.Genetec.Tests;

/// <summary>One HTTP request as the listener read it.</summary>
public sealed record ReceivedRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Path => Target.Split('?', 2)[0];

    /// <summary>The decoded value of the query's <c>q</c>, null when absent.</summary>
    public string? Q => Target.Split('?', 2) is [_, var query]
        ? query.Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == "q").Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault()
        : null;
}

/// <summary>What the listener answers: a status and a body (JSON), or null to read the request and never answer.</summary>
public sealed record FakeAnswer(int Status, string Body);

/// <summary>
/// An HTTPS listener on 127.0.0.1 standing in for a Genetec Web-based SDK role (no Security Center here: it needs
/// Windows and licences). TLS with the given certificate, HTTP/1.1 requests read header by header, each handed to
/// <c>respond</c>; every request is kept for field-by-field checks.
/// </summary>
public sealed class FakeWebSdkServer : IAsyncDisposable
{
    private readonly List<ReceivedRequest> _received = [];
    private readonly X509Certificate2 _certificate;
    private readonly Func<ReceivedRequest, FakeAnswer?> _respond;
    private readonly LoopbackTcpServer _server;

    public FakeWebSdkServer(X509Certificate2 certificate, Func<ReceivedRequest, FakeAnswer?> respond, int port = 0)
    {
        _certificate = certificate;
        _respond = respond;
        _server = new LoopbackTcpServer(ServeAsync, port);
    }

    public int Port => _server.Port;

    public IReadOnlyList<ReceivedRequest> Received { get { lock (_received) return _received.ToList(); } }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        await using var tls = new SslStream(client.GetStream());
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, ct);
        while (await ReadRequestAsync(tls, ct) is { } request)
        {
            lock (_received) _received.Add(request);
            if (_respond(request) is not { } answer)
            {
                await Task.Delay(Timeout.Infinite, ct);
                return;
            }
            var body = Encoding.UTF8.GetBytes(answer.Body);
            var head = $"HTTP/1.1 {answer.Status} X\r\nContent-Type: text/json; charset=utf-8\r\nContent-Length: {body.Length}\r\n\r\n";
            await tls.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray(), ct);
        }
    }

    private static async Task<ReceivedRequest?> ReadRequestAsync(Stream stream, CancellationToken ct)
    {
        var head = await MessageHead.ReadAsync(stream, 64 * 1024, ct);
        if (!MessageHead.IsComplete(head)) return null;
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var start = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = new byte[headers.TryGetValue("Content-Length", out var length) ? int.Parse(length) : 0];
        await stream.ReadExactlyAsync(body, ct);
        return new ReceivedRequest(start[0], start[1], headers, body);
    }

    /// <summary>Waits (generously) for <paramref name="count"/> requests; returns what came either way.</summary>
    public Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count)
        => Eventually.ReadUntilAsync(() => Received, r => r.Count >= count, interval: TimeSpan.FromMilliseconds(20));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
