using System.Net.Sockets;
using System.Text;
using Appliance.Testing;

namespace Appliance.Api.Tests.Support;

/// <summary>
/// A hostile or broken "appliance" on plain HTTP over loopback: answers each path with canned bytes, so the
/// CLI's handling of bad answers (not JSON, errors, broken event streams) can be checked.
/// </summary>
public sealed class FakeApi : IAsyncDisposable
{
    private readonly Dictionary<string, byte[]> _answers = new(StringComparer.Ordinal);
    private readonly LoopbackTcpServer _server;

    public FakeApi()
    {
        _server = new LoopbackTcpServer(ServeAsync);
    }

    public Uri BaseUri => new($"http://127.0.0.1:{_server.Port}");

    /// <summary>Answers GETs of <paramref name="pathAndQueryPrefix"/> with a complete response (status line, headers, body).</summary>
    public void Answer(string pathAndQueryPrefix, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        lock (_answers) _answers[pathAndQueryPrefix] = [.. Encoding.ASCII.GetBytes(head), .. bytes];
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        var stream = client.GetStream();
        var head = await MessageHead.ReadAsync(stream, cancellationToken: ct);
        if (!MessageHead.IsComplete(head)) return;
        var target = head.Split(' ')[1];
        byte[]? answer;
        lock (_answers) answer = _answers.OrderByDescending(a => a.Key.Length).FirstOrDefault(a => target.StartsWith(a.Key, StringComparison.Ordinal)).Value;
        answer ??= Encoding.ASCII.GetBytes("HTTP/1.1 404 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(answer, ct);
        await stream.FlushAsync(ct);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
