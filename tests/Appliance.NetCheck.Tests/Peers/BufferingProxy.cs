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
    private readonly LoopbackTcpServer _server = new(ServeAsync);

    public int Port => _server.Port;

    private static async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        try
        {
            var stream = client.GetStream();
            var head = await MessageHead.ReadAsync(stream, cancellationToken: ct);
            var requestLine = head.Split("\r\n")[0].Split(' ');
            var target = new Uri(requestLine[1]);
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(target.Host, target.Port, ct);
            var upstreamStream = upstream.GetStream();
            await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(
                $"{requestLine[0]} {target.PathAndQuery} HTTP/1.1\r\nHost: {target.Authority}\r\nConnection: close\r\n\r\n"), ct);
            using var whole = new MemoryStream();
            await upstreamStream.CopyToAsync(whole, ct);   // wait for end-of-file, as a content filter does
            whole.Position = 0;
            await whole.CopyToAsync(stream, ct);
        }
        catch (Exception ex) when (ex is UriFormatException or IndexOutOfRangeException)
        {
            // Not a proxy request: the connection is closed unanswered.
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
