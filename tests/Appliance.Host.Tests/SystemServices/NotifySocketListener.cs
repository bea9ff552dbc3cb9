using System.Net.Sockets;
using System.Text;

namespace Appliance.Host.Tests.SystemServices;

/// <summary>
/// Plays systemd's side of <c>sd_notify</c>: a Unix datagram socket the test binds, handed to the host as
/// <c>NOTIFY_SOCKET</c>, recording every message (<c>READY=1</c>, <c>WATCHDOG=1</c>, ...) in arrival order.
/// </summary>
public sealed class NotifySocketListener : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("appl-notify-").FullName;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _messages = [];
    private readonly Task _receiving;

    public NotifySocketListener()
    {
        Path = System.IO.Path.Combine(_directory, "notify");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
        _receiving = ReceiveAsync();
    }

    public string Path { get; }

    /// <summary>Every datagram so far, split into its lines (one message may carry several assignments).</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages) return _messages.ToList();
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                var lines = Encoding.UTF8.GetString(buffer, 0, read).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                lock (_messages) _messages.AddRange(lines);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _receiving;
        _socket.Dispose();
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
