using Appliance.Isolation.Bridge;
using Appliance.Isolation.Wire;

namespace Appliance.Isolation.Http;

/// <summary>A body as the reading side sees it: a read-only stream over a <see cref="BodyInbox"/>.</summary>
public sealed class InboxReadStream(BodyInbox inbox) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inbox.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inbox.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// A body as the writing side sees it: each write goes out as HttpBody frames of at most
/// <see cref="HttpFrames.MaxChunk"/> bytes, each only once the receiver granted the credit (so a writer faster than
/// the far reader waits here, holding nothing). Cancellation stops the wait for credit, never a frame half written.
/// </summary>
public sealed class CreditWriteStream(IsolationChannel channel, uint exchange, CreditGate credit) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var n = await credit.TakeAsync(Math.Min(buffer.Length, HttpFrames.MaxChunk), cancellationToken);
            await channel.SendHttpAsync(FrameKind.HttpBody, exchange, buffer[..n], CancellationToken.None);
            buffer = buffer[n..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>The plugin's process ended while an exchange was open: before the response head the host answers 503.</summary>
public sealed class PluginProcessGoneException(string message) : IOException(message);
