using System.Net;

namespace Appliance.Plugins.Recording.ObjectStorage;

/// <summary>
/// Sits in front of the socket handler of the S3 client: every request body is written to the wire through the
/// <see cref="TokenBucket"/> (when there is one) and its bytes are counted (retries included: what the link carried).
/// </summary>
internal sealed class ThrottledBodyHandler(TokenBucket? bucket, Action<long> bytesSent) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            request.Content = new ThrottledContent(request.Content, bucket, bytesSent);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private sealed class ThrottledContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly TokenBucket? _bucket;
        private readonly Action<long> _bytesSent;

        public ThrottledContent(HttpContent inner, TokenBucket? bucket, Action<long> bytesSent)
        {
            _inner = inner;
            _bucket = bucket;
            _bytesSent = bytesSent;
            foreach (var (name, values) in inner.Headers)
            {
                Headers.TryAddWithoutValidation(name, values);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await using var throttled = new ThrottledWriteStream(stream, _bucket, _bytesSent);
            await _inner.CopyToAsync(throttled, context, cancellationToken).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>A write-only view of the connection's stream that waits for tokens before each piece; leaves the inner stream open.</summary>
    private sealed class ThrottledWriteStream(Stream inner, TokenBucket? bucket, Action<long> bytesSent) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (bucket is null)
            {
                await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                bytesSent(buffer.Length);
                return;
            }

            while (!buffer.IsEmpty)
            {
                var piece = buffer[..Math.Min(buffer.Length, TokenBucket.ChunkSize)];
                await bucket.TakeAsync(piece.Length, cancellationToken).ConfigureAwait(false);

                await inner.WriteAsync(piece, cancellationToken).ConfigureAwait(false);
                bytesSent(piece.Length);
                buffer = buffer[piece.Length..];
            }
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
