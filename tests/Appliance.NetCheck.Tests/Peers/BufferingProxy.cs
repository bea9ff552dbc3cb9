using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Testing;

namespace Appliance.NetCheck.Tests.Peers;

/// <summary>
/// A content-filtering HTTP proxy as the OpenEye page describes: it reads the whole upstream response, up to
/// end-of-file, before forwarding a single byte. For an endless stream it therefore never forwards anything.
/// </summary>
public sealed class BufferingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public BufferingProxy()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
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
                var requestLine = head.Split("\r\n")[0].Split(' ');
                var target = new Uri(requestLine[1]);
                using var upstream = new TcpClient();
                await upstream.ConnectAsync(target.Host, target.Port, _stop.Token);
                var upstreamStream = upstream.GetStream();
                await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"{requestLine[0]} {target.PathAndQuery} HTTP/1.1\r\nHost: {target.Authority}\r\nConnection: close\r\n\r\n"), _stop.Token);
                using var whole = new MemoryStream();
                await upstreamStream.CopyToAsync(whole, _stop.Token);   // wait for end-of-file, as a content filter does
                whole.Position = 0;
                await whole.CopyToAsync(stream, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or UriFormatException or IndexOutOfRangeException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
