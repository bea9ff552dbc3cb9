namespace Appliance.Host.Cloud.Commands;

/// <summary>
/// A write-only stream over another that refuses to grow past <c>limit</c> bytes: a writer that sends more gets an
/// <see cref="InvalidDataException"/> ("a body larger than N bytes") and nothing beyond the limit is kept.
/// </summary>
internal sealed class BoundedWriteStream(Stream inner, long limit) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Check(count);
        inner.Write(buffer, offset, count);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Check(buffer.Length);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Check(int count)
    {
        if (inner.Length + count > limit) throw new InvalidDataException($"a body larger than {limit} bytes");
    }
}
