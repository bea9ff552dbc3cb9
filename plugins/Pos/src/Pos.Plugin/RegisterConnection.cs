using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Plugins.Pos.Protocol;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Pos;

/// <summary>
/// One register connection: bytes are decoded (<see cref="EscPosDecoder"/>), grouped into transactions
/// (<see cref="TransactionAssembler"/>) and each is handed to the <see cref="PosIngest"/>. A connection dropped
/// mid-transaction, or silent beyond the idle timeout, still stores what it printed, marked <c>disconnected</c>.
/// </summary>
internal sealed class RegisterConnection(Socket socket, RegisterSettings register, PosSettings settings, PosIngest ingest, TimeProvider time)
{
    public async Task RunAsync(CancellationToken stopping)
    {
        var decoder = new EscPosDecoder(register.Encoding);
        var assembler = new TransactionAssembler(register.Rules);
        var buffer = new byte[16384];
        using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var read = await IdleTimeoutRead.ReadAsync(stream, buffer, settings.IdleTimeout, time, stopping);
                if (read is null or 0) break;
                foreach (var token in decoder.Push(buffer.AsSpan(0, read.Value)))
                    foreach (var t in assembler.Accept(token, time.GetUtcNow()))
                        await ingest.StoreAsync(register, t, stopping);
            }
        }
        finally
        {
            if (!stopping.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                if (decoder.Flush() is { } last)
                    foreach (var t in assembler.Accept(last, now))
                        await ingest.StoreAsync(register, t, stopping);
                if (assembler.Flush(now) is { } open) await ingest.StoreAsync(register, open, stopping);
            }
        }
    }
}
