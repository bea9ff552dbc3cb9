using System.Net;
using System.Net.Sockets;

namespace Appliance.Plugins.Dmp.Tests;

/// <summary>
/// A DMP panel's network path as the receiver sees it: a TCP connection to the receiver port on loopback that writes
/// Serial 3 frames (<see cref="SerialThreeFrames"/>) and reads what the receiver answers. No real panel is available
/// here: the simulator writes the byte streams the public descriptions document.
/// </summary>
internal sealed class PanelSimulator : IAsyncDisposable
{
    private readonly TcpClient _client = new(AddressFamily.InterNetwork) { NoDelay = true };
    private NetworkStream? _stream;

    public static async Task<PanelSimulator> ConnectAsync(int port)
    {
        var panel = new PanelSimulator();
        await panel._client.ConnectAsync(IPAddress.Loopback, port);
        panel._stream = panel._client.GetStream();
        return panel;
    }

    public Task SendAsync(byte[] bytes) => _stream!.WriteAsync(bytes).AsTask();

    public Task SendFrameAsync(string text) => SendAsync(SerialThreeFrames.Wire(text));

    /// <summary>Reads exactly <paramref name="count"/> bytes, or what arrived before the receiver closed or the time ran out.</summary>
    public async Task<byte[]> ReadAsync(int count, TimeSpan timeout)
    {
        var buffer = new byte[count];
        var got = 0;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (got < count)
            {
                var n = await _stream!.ReadAsync(buffer.AsMemory(got), cts.Token);
                if (n == 0) break;
                got += n;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        return buffer[..got];
    }

    /// <summary>True when the receiver closed the connection (end of stream or reset) within the time.</summary>
    public async Task<bool> ClosedByReceiverAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _stream!.ReadAsync(new byte[16], cts.Token) == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
