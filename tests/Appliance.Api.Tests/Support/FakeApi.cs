using System.Net;
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
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, byte[]> _answers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeApi()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Answers GETs of <paramref name="pathAndQueryPrefix"/> with a complete response (status line, headers, body).</summary>
    public void Answer(string pathAndQueryPrefix, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        lock (_answers) _answers[pathAndQueryPrefix] = [.. Encoding.ASCII.GetBytes(head), .. bytes];
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await MessageHead.ReadAsync(stream, cancellationToken: _stop.Token);
                if (!MessageHead.IsComplete(head)) return;
                var target = head.Split(' ')[1];
                byte[]? answer;
                lock (_answers) answer = _answers.OrderByDescending(a => a.Key.Length).FirstOrDefault(a => target.StartsWith(a.Key, StringComparison.Ordinal)).Value;
                answer ??= Encoding.ASCII.GetBytes("HTTP/1.1 404 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(answer, _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
