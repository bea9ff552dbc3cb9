using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

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
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<ReceivedRequest> _received = [];

    public FakeWebSdkServer(X509Certificate2 certificate, Func<ReceivedRequest, FakeAnswer?> respond, int port = 0)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = Task.Run(() => ServeAsync(client, certificate, respond));
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<ReceivedRequest> Received { get { lock (_received) return _received.ToList(); } }

    private async Task ServeAsync(TcpClient client, X509Certificate2 certificate, Func<ReceivedRequest, FakeAnswer?> respond)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, _stop.Token);
                while (await ReadRequestAsync(tls) is { } request)
                {
                    lock (_received) _received.Add(request);
                    if (respond(request) is not { } answer)
                    {
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                        return;
                    }
                    var body = Encoding.UTF8.GetBytes(answer.Body);
                    var head = $"HTTP/1.1 {answer.Status} X\r\nContent-Type: text/json; charset=utf-8\r\nContent-Length: {body.Length}\r\n\r\n";
                    await tls.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray(), _stop.Token);
                }
            }
            catch (Exception)
            {
                // The client went away, TLS was refused, or the listener stopped.
            }
        }
    }

    private async Task<ReceivedRequest?> ReadRequestAsync(Stream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0 || head.Count > 64 * 1024) return null;
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var start = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = new byte[headers.TryGetValue("Content-Length", out var length) ? int.Parse(length) : 0];
        await stream.ReadExactlyAsync(body, _stop.Token);
        return new ReceivedRequest(start[0], start[1], headers, body);
    }

    /// <summary>Waits (generously) for <paramref name="count"/> requests.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Received.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
    }
}
