using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Testing;

namespace Appliance.Plugins.NxWitness.Tests;

/// <summary>One HTTP request as the fake server read it; query values are percent-decoded (UTF-8).</summary>
public sealed record FakeRequest(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Query, IReadOnlyDictionary<string, string> Headers, string Body, string RequestTarget)
{
    public string? Param(string name) => Query.Where(q => q.Key == name).Select(q => q.Value).FirstOrDefault();
}

/// <summary>What the fake server writes back; null from the responder means "keep the connection open and silent".</summary>
public sealed record FakeResponse(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static FakeResponse Ok(string reply = "null") => new(200, $$"""{"error":"0","errorString":"","reply":{{reply}}}""");
}

/// <summary>
/// A raw HTTP/1.1 listener on 127.0.0.1 standing in for an Nx Witness server (no Windows, no licences here): it reads
/// each request (head up to 16 KiB, Content-Length body), records it, and answers what <c>respond</c> returns, closing
/// the connection after each answer. Raw sockets so that a server that accepts and never answers can be played too.
/// </summary>
public sealed class FakeNxServer : IAsyncDisposable
{
    private readonly List<FakeRequest> _received = [];
    private readonly Func<FakeRequest, FakeResponse?> _respond;
    private readonly LoopbackTcpServer _server;

    public FakeNxServer(Func<FakeRequest, FakeResponse?> respond, int port = 0)
    {
        _respond = respond;
        _server = new LoopbackTcpServer(ServeAsync, port);
    }

    public int Port => _server.Port;

    public IReadOnlyList<FakeRequest> Received { get { lock (_received) return _received.ToList(); } }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        var stream = client.GetStream();
        var request = await ReadRequestAsync(stream, ct);
        if (request is null) return;
        lock (_received) _received.Add(request);
        if (_respond(request) is not { } response)
        {
            await Task.Delay(Timeout.Infinite, ct);
            return;
        }
        var body = Encoding.UTF8.GetBytes(response.Body);
        var head = new StringBuilder($"HTTP/1.1 {response.Status} X\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n");
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>()) head.Append($"{name}: {value}\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), ct);
        await stream.WriteAsync(body, ct);
    }

    private static async Task<FakeRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken ct)
    {
        var text = await MessageHead.ReadAsync(stream, 16 * 1024, ct);
        if (!MessageHead.IsComplete(text)) return null;
        var lines = text.Split("\r\n");
        var start = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Contains(':')))
            headers[line[..line.IndexOf(':')].Trim()] = line[(line.IndexOf(':') + 1)..].Trim();
        var body = new byte[headers.TryGetValue("Content-Length", out var length) ? int.Parse(length) : 0];
        try
        {
            await stream.ReadExactlyAsync(body, ct);
        }
        catch (EndOfStreamException)
        {
            return null;
        }
        var target = start[1];
        var question = target.IndexOf('?');
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? [] : Query(target[(question + 1)..]);
        return new FakeRequest(start[0], path, query, headers, Encoding.UTF8.GetString(body), target);
    }

    /// <summary>The pairs of a query string, percent-decoded (a repeated name is kept twice).</summary>
    public static List<KeyValuePair<string, string>> Query(string query) =>
        query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => KeyValuePair.Create(Uri.UnescapeDataString(p[0]), p.Length > 1 ? Uri.UnescapeDataString(p[1]) : ""))
            .ToList();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>
/// A loopback port that refuses connections and stays ours: a socket bound to it without listening. A port merely
/// found free (<see cref="FreePort.Tcp"/>) can be handed to another test's server running in parallel, which
/// then answers where a closed port was meant (seen in CI: a "down" server answering HTTP 500).
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Dispose() => _socket.Dispose();
}
