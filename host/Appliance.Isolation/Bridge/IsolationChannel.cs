using System.Collections.Concurrent;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Isolation.Wire;

namespace Appliance.Isolation.Bridge;

/// <summary>What one side does with the other side's calls.</summary>
public interface IChannelHandler
{
    /// <summary>Answers a request; a <see cref="Failure"/> goes back as a Failure frame.</summary>
    ValueTask<Result<JsonElement>> HandleRequestAsync(string op, JsonElement args, CancellationToken cancellationToken);

    void HandleNotify(string op, JsonElement args);

    void HandleRingTick(uint ring, ulong sequence);

    /// <summary>An HTTP exchange frame (already checked by <see cref="HttpFrames.Check"/>); runs on the read loop, so it
    /// must not wait. A failure is a protocol violation that ends the channel. A side without HTTP exchanges refuses them.</summary>
    Failure? HandleHttpFrame(Frame frame) => new Failure("malformed", $"a {frame.Kind} frame, but this side serves no HTTP exchanges");
}

/// <summary>
/// One end of the isolation protocol over a connected stream: requests with correlation ids, notifications,
/// ring ticks and pings. The first protocol violation of the peer (see <see cref="FrameReader"/>) ends the
/// channel with that failure in <see cref="Closed"/>; pending requests then fail with it.
/// </summary>
public sealed class IsolationChannel : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<Result<JsonElement>>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<Failure> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IChannelHandler? _handler;
    private Task? _loop;
    private int _nextId;

    public IsolationChannel(Stream stream, int maxPayload = FrameReader.DefaultMaxPayload)
    {
        _stream = stream;
        _reader = new FrameReader(stream, maxPayload);
        _writer = new FrameWriter(stream, maxPayload);
    }

    /// <summary>Completes with why the channel ended (peer closed, protocol violation, disposed).</summary>
    public Task<Failure> Closed => _closed.Task;

    /// <summary>Exchanges Hello frames: sends ours, reads theirs (which must be the first frame).</summary>
    public async Task<Result<Hello>> HandshakeAsync(Hello hello, CancellationToken cancellationToken)
    {
        await _writer.WriteAsync(FrameKind.Hello, 0, WireJson.Encode(hello), cancellationToken);
        var frame = await _reader.ReadAsync(cancellationToken);
        if (!frame.TryGetValue(out var first, out var failure)) return Result<Hello>.Fail(failure);
        if (first.Kind != FrameKind.Hello)
            return Result<Hello>.Fail("malformed", $"expected a Hello frame first, got {first.Kind}");
        var theirs = WireJson.Decode<Hello>(first.Payload.Span, "hello");
        if (theirs.IsOk && theirs.Value.Protocol != Frame.ProtocolVersion)
            return Result<Hello>.Fail("version", $"the peer speaks protocol {theirs.Value.Protocol}, this side {Frame.ProtocolVersion}");
        return theirs;
    }

    /// <summary>Starts reading frames and dispatching them to <paramref name="handler"/>.</summary>
    public void Start(IChannelHandler handler)
    {
        _handler = handler;
        _loop = Task.Run(ReadLoopAsync);
    }

    public async Task<Result<JsonElement>> RequestAsync<TArgs>(string op, TArgs args, CancellationToken cancellationToken)
    {
        var id = (uint)Interlocked.Increment(ref _nextId);
        var waiter = new TaskCompletionSource<Result<JsonElement>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiter;
        try
        {
            if (_closed.Task.IsCompleted) return Result<JsonElement>.Fail(_closed.Task.Result);
            await _writer.WriteAsync(FrameKind.Request, id, WireJson.Encode(new Call(op, WireJson.Element(args))), cancellationToken);
            return await waiter.Task.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return Result<JsonElement>.Fail("transport", $"{op}: {ex.Message}");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Sends a notification; false if the channel is gone (notifications are best effort).</summary>
    public async ValueTask<bool> NotifyAsync<TArgs>(string op, TArgs args, CancellationToken cancellationToken = default)
    {
        if (_closed.Task.IsCompleted) return false;
        try
        {
            await _writer.WriteAsync(FrameKind.Notify, 0, WireJson.Encode(new Call(op, WireJson.Element(args))), cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    public async ValueTask<bool> RingTickAsync(uint ring, ulong sequence, CancellationToken cancellationToken = default)
    {
        if (_closed.Task.IsCompleted) return false;
        try
        {
            await _writer.WriteAsync(FrameKind.RingTick, 0, Frame.RingTickPayload(ring, sequence), cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Sends one frame of an HTTP exchange; throws <see cref="IOException"/> when the channel is gone.</summary>
    public async ValueTask SendHttpAsync(FrameKind kind, uint id, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (_closed.Task.IsCompleted) throw new IOException($"the isolation channel is closed ({_closed.Task.Result})");
        try
        {
            await _writer.WriteAsync(kind, id, payload, cancellationToken);
        }
        catch (ObjectDisposedException ex)
        {
            throw new IOException("the isolation channel is closed", ex);
        }
    }

    /// <summary>Round trip of a Ping; a failure if the peer does not answer within <paramref name="timeout"/>.</summary>
    public async Task<Result<TimeSpan>> PingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = (uint)Interlocked.Increment(ref _nextId);
        var waiter = new TaskCompletionSource<Result<JsonElement>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiter;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await _writer.WriteAsync(FrameKind.Ping, id, ReadOnlyMemory<byte>.Empty, cancellationToken);
            var answer = await waiter.Task.WaitAsync(timeout, cancellationToken);
            return answer.IsOk ? System.Diagnostics.Stopwatch.GetElapsedTime(started) : Result<TimeSpan>.Fail(answer.Failure!);
        }
        catch (TimeoutException)
        {
            return Result<TimeSpan>.Fail("unresponsive", $"no answer to a ping within {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return Result<TimeSpan>.Fail("transport", ex.Message);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task ReadLoopAsync()
    {
        var why = new Failure("closed", "the channel was closed");
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var next = await _reader.ReadAsync(_stop.Token);
                if (!next.TryGetValue(out var frame, out var failure))
                {
                    why = failure;
                    break;
                }
                if (Dispatch(frame) is { } violation)
                {
                    why = violation;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            why = new Failure("transport", ex.Message);
        }
        Close(why);
    }

    /// <summary>Handles one frame; a failure is a protocol violation that ends the channel.</summary>
    private Failure? Dispatch(Frame frame)
    {
        switch (frame.Kind)
        {
            case FrameKind.Response:
            case FrameKind.Failure:
            case FrameKind.Pong:
                if (!_pending.TryRemove(frame.Id, out var waiter))
                    return new Failure("malformed", $"a {frame.Kind} for request {frame.Id}, which is not pending");
                if (frame.Kind == FrameKind.Failure)
                {
                    var failure = WireJson.Decode<Failure>(frame.Payload.Span, "failure");
                    waiter.TrySetResult(failure.IsOk ? Result<JsonElement>.Fail(failure.Value) : Result<JsonElement>.Fail(failure.Failure!));
                }
                else if (frame.Kind == FrameKind.Pong)
                    waiter.TrySetResult(default(JsonElement));
                else
                {
                    var value = WireJson.Decode<JsonElement>(frame.Payload.Span, "response");
                    waiter.TrySetResult(value);
                }
                return null;
            case FrameKind.Request:
            case FrameKind.Notify:
                var call = WireJson.Decode<Call>(frame.Payload.Span, frame.Kind.ToString().ToLowerInvariant());
                if (!call.TryGetValue(out var c, out var bad) || string.IsNullOrEmpty(c.Op))
                    return bad ?? new Failure("malformed", "a call without an op");
                if (frame.Kind == FrameKind.Notify) _handler!.HandleNotify(c.Op, c.Args);
                else _ = Task.Run(() => AnswerAsync(frame.Id, c)); // off the read loop: a handler may call back and wait
                return null;
            case FrameKind.RingTick:
                if (!Frame.TryReadRingTick(frame.Payload.Span, out var ring, out var sequence))
                    return new Failure("malformed", $"a RingTick payload is 12 bytes, got {frame.Payload.Length}");
                _handler!.HandleRingTick(ring, sequence);
                return null;
            case FrameKind.HttpHead:
            case FrameKind.HttpBody:
            case FrameKind.HttpEnd:
            case FrameKind.HttpCredit:
            case FrameKind.HttpAbort:
                return HttpFrames.Check(frame.Kind, frame.Id, frame.Payload.Span) ?? _handler!.HandleHttpFrame(frame);
            case FrameKind.Ping:
                _ = SendQuietlyAsync(FrameKind.Pong, frame.Id, ReadOnlyMemory<byte>.Empty);
                return null;
            default:
                return new Failure("malformed", $"a {frame.Kind} frame after the handshake");
        }
    }

    private async Task AnswerAsync(uint id, Call call)
    {
        Result<JsonElement> result;
        try
        {
            result = await _handler!.HandleRequestAsync(call.Op, call.Args, _stop.Token);
        }
        catch (Exception ex)
        {
            result = Result<JsonElement>.Fail("error", $"{call.Op}: {ex.GetType().Name}: {ex.Message}");
        }
        if (result.TryGetValue(out var value, out var failure))
            await SendQuietlyAsync(FrameKind.Response, id, WireJson.Encode(value));
        else
            await SendQuietlyAsync(FrameKind.Failure, id, WireJson.Encode(failure));
    }

    private async Task SendQuietlyAsync(FrameKind kind, uint id, ReadOnlyMemory<byte> payload)
    {
        try
        {
            await _writer.WriteAsync(kind, id, payload, _stop.Token);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        catch (ArgumentOutOfRangeException ex)
        {
            await SendQuietlyAsync(FrameKind.Failure, id, WireJson.Encode(new Failure("too-large", ex.Message)));
        }
    }

    private void Close(Failure why)
    {
        if (!_closed.TrySetResult(why)) return;
        foreach (var waiter in _pending.Values) waiter.TrySetResult(Result<JsonElement>.Fail(why));
        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close(new Failure("closed", "the channel was closed by this side"));
        await _stop.CancelAsync();
        if (_loop is not null) await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _writer.Dispose();
        _stop.Dispose();
    }
}
