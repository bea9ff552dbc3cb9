using System.Net.Sockets;
using System.Text;
using Appliance.Abstractions;
using Appliance.Plugins.Dmp.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Dmp;

/// <summary>
/// One panel's TCP connection: frames are cut, parsed and classified; each message of a configured account is
/// stored (published on the bus) and only then acknowledged. Refused and never acknowledged: an oversized frame, a
/// frame that does not parse (garbage), and any message of an unknown account (the connection is closed after it).
/// A connection that completes no frame within the idle timeout is closed (half-open links, panels stuck mid-frame).
/// </summary>
internal sealed class PanelConnection(Socket socket, DmpSettings settings, DmpReceiver receiver, TimeProvider time)
{
    private readonly string _remote = socket.RemoteEndPoint?.ToString() ?? "?";

    public async Task RunAsync(CancellationToken stopping)
    {
        var splitter = new DmpFrameSplitter(settings.MaxFrameBytes);
        var buffer = new byte[4096];
        using var stream = new NetworkStream(socket, ownsSocket: true);
        while (!stopping.IsCancellationRequested)
        {
            var read = await IdleTimeoutRead.ReadAsync(stream, buffer, settings.IdleTimeout, time, stopping);
            if (read is null)
            {
                receiver.Refused(_remote, "idle", $"no complete frame for {settings.IdleTimeout.TotalSeconds:0} s ({splitter.Pending} byte(s) of an unfinished frame dropped): connection closed");
                return;
            }
            if (read == 0) return;
            foreach (var frame in splitter.Push(buffer.AsSpan(0, read.Value)))
            {
                if (!await HandleAsync(frame, stream, stopping)) return;
            }
        }
    }

    /// <summary>False when the connection must close (an unknown account).</summary>
    private async Task<bool> HandleAsync(DmpFrame frame, NetworkStream stream, CancellationToken ct)
    {
        if (frame.Oversized)
        {
            receiver.Refused(_remote, "too-large", $"frame longer than {settings.MaxFrameBytes} bytes dropped, not acknowledged");
            return true;
        }
        var parsed = DmpMessageParser.Parse(frame.Bytes);
        if (!parsed.TryGetValue(out var message, out var failure))
        {
            receiver.Refused(_remote, failure.Code, $"{failure.Message}; frame '{Printable(frame.Bytes)}' not acknowledged");
            return true;
        }
        var stored = await receiver.AcceptAsync(message, _remote, ct);
        if (stored == Acceptance.UnknownAccount) return false;
        if (stored == Acceptance.Stored)
        {
            try
            {
                await stream.WriteAsync(DmpAcknowledgement.For(message), ct);
            }
            catch (IOException)
            {
                return false;
            }
        }
        return true;
    }

    private static string Printable(byte[] bytes)
    {
        var text = new StringBuilder(Math.Min(bytes.Length, 80));
        foreach (var b in bytes.Take(80)) text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        return bytes.Length > 80 ? text.Append("...").ToString() : text.ToString();
    }
}

/// <summary>What became of a parsed message.</summary>
internal enum Acceptance { Stored, UnknownAccount, NotStored }
