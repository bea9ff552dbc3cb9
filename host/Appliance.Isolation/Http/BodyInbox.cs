using System.Threading.Channels;
using Appliance.Abstractions;
using Appliance.Isolation.Wire;

namespace Appliance.Isolation.Http;

/// <summary>
/// The receiver's side of one body: pieces as they arrive (never more than granted, so at most a window is held)
/// and the credit it gives back as its reader consumes them. <see cref="Push"/> runs on the channel's read loop and
/// never waits; a piece beyond the granted credit is a protocol violation.
/// </summary>
public sealed class BodyInbox(Func<int, ValueTask> grant)
{
    private readonly Channel<ReadOnlyMemory<byte>> _pieces =
        Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private long _outstanding;
    private ReadOnlyMemory<byte> _current;
    private int _currentLength;

    /// <summary>Grants the first window; call once, when the reader is ready.</summary>
    public ValueTask OpenAsync()
    {
        Interlocked.Add(ref _outstanding, HttpFrames.InitialWindow);
        return grant(HttpFrames.InitialWindow);
    }

    /// <summary>A piece from the sender; a failure when it exceeds the credit granted.</summary>
    public Failure? Push(uint exchange, ReadOnlyMemory<byte> piece)
    {
        if (Interlocked.Add(ref _outstanding, -piece.Length) < 0)
            return new Failure("flow-control", $"HttpBody of {piece.Length} bytes for exchange {exchange} beyond the credit granted");
        _pieces.Writer.TryWrite(piece);
        return null;
    }

    public void Complete() => _pieces.Writer.TryComplete();

    public void Fail(Exception why) => _pieces.Writer.TryComplete(why);

    /// <summary>The next whole piece, or null at the end of the body; call <see cref="ConsumedAsync"/> when it is used.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> NextAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await _pieces.Reader.WaitToReadAsync(cancellationToken)) return null;
        }
        catch (ChannelClosedException ex) when (ex.InnerException is not null)
        {
            throw new IOException(ex.InnerException.Message, ex.InnerException);
        }
        return _pieces.Reader.TryRead(out var piece) ? piece : null;
    }

    /// <summary>Gives <paramref name="bytes"/> of credit back to the sender.</summary>
    public ValueTask ConsumedAsync(int bytes)
    {
        Interlocked.Add(ref _outstanding, bytes);
        return grant(bytes);
    }

    /// <summary>Copies into <paramref name="buffer"/> (0 at the end); credit goes back as each piece is used up.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty) return 0;
        if (_current.IsEmpty)
        {
            if (await NextAsync(cancellationToken) is not { } next) return 0;
            _current = next;
            _currentLength = next.Length;
        }
        var n = Math.Min(buffer.Length, _current.Length);
        _current[..n].CopyTo(buffer);
        _current = _current[n..];
        if (_current.IsEmpty) await ConsumedAsync(_currentLength);
        return n;
    }
}
