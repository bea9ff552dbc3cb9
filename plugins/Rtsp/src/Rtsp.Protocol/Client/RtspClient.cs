using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Plugins.Rtsp.Protocol.Auth;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;

namespace Appliance.Plugins.Rtsp.Protocol.Client;

public enum RtspClientState { Init, Connected, Ready, Playing, Closed }

/// <summary>Receives '$'-framed data of the RTSP connection (RFC 2326 §10.12). The span is valid only during the call.</summary>
public interface IInterleavedFrameHandler
{
    void OnInterleavedFrame(byte channel, ReadOnlySpan<byte> payload);
}

/// <summary>The connection broke, the server sent something unparseable, or a response did not come in time.</summary>
public sealed class RtspConnectionException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// One RTSP/1.0 control connection: requests one at a time with CSeq, Session and Authorization handled here,
/// a read loop over <see cref="PipeReader"/> that routes responses and interleaved frames, and the state
/// machine Init → Connected → Ready (after SETUP) → Playing (after PLAY) → Closed.
/// </summary>
public sealed class RtspClient : IAsyncDisposable
{
    private readonly RtspParserLimits _limits;
    private readonly IInterleavedFrameHandler? _frames;
    private readonly RtspAuthenticator? _auth;
    private readonly TimeSpan _requestTimeout;
    private readonly string _userAgent;
    private readonly SemaphoreSlim _requestLock = new(1, 1);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly byte[] _frameScratch = new byte[65536];
    private readonly object _pendingGate = new();
    private Socket? _socket;
    private NetworkStream? _stream;
    private Task? _readLoop;
    private TaskCompletionSource<RtspResponse>? _pending;
    private int _pendingCSeq;
    private int _cseq;

    public RtspClient(RtspParserLimits? limits = null, string? userName = null, string? password = null,
        IInterleavedFrameHandler? frames = null, TimeSpan? requestTimeout = null, string userAgent = "Appliance-RTSP/1.0", bool allowBasic = false)
    {
        _limits = limits ?? RtspParserLimits.Default;
        _frames = frames;
        _auth = userName is null ? null : new RtspAuthenticator(userName, password ?? "", allowBasic: allowBasic);
        _requestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10);
        _userAgent = userAgent;
    }

    public RtspClientState State { get; private set; } = RtspClientState.Init;

    public RtspSessionHeader? Session { get; private set; }

    /// <summary>Methods from the server's OPTIONS Public header (upper case).</summary>
    public IReadOnlySet<string> ServerMethods { get; private set; } = new HashSet<string>();

    /// <summary>Why the last challenge could not be answered (e.g. Basic over plain RTSP refused), or null.</summary>
    public string? AuthError { get; private set; }

    /// <summary>Why the connection ended (null while it is up).</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Completes when the read loop ends (server closed, protocol error, or disposal).</summary>
    public Task Completion => _readLoop ?? Task.CompletedTask;

    /// <summary>The server's address (where UDP RTCP reports go).</summary>
    public System.Net.IPAddress? RemoteAddress { get; private set; }

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    private long _bytesReceived;
    private int _disposed;

    public async Task ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (State != RtspClientState.Init) throw new InvalidOperationException($"ConnectAsync in state {State}");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutCts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(host, port, timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RtspConnectionException($"connect to {host}:{port} timed out after {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new RtspConnectionException($"connect to {host}:{port} failed: {e.SocketErrorCode}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        var remote = (socket.RemoteEndPoint as System.Net.IPEndPoint)?.Address;
        RemoteAddress = remote is { IsIPv4MappedToIPv6: true } ? remote.MapToIPv4() : remote;
        _stream = new NetworkStream(socket, ownsSocket: false);
        State = RtspClientState.Connected;
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 65536, minimumReadSize: 16384, leaveOpen: true));
        _readLoop = ReadLoopAsync(reader);
    }

    /// <summary>
    /// Sends a request and returns the server's response (any status). A 401 is answered once with credentials
    /// (or again if the server marks the nonce stale). Throws <see cref="RtspConnectionException"/> if the connection fails.
    /// </summary>
    public async Task<RtspResponse> SendAsync(string method, string uri, Action<RtspHeaders>? addHeaders, CancellationToken cancellationToken)
    {
        await _requestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await SendOnceAsync(method, uri, addHeaders, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == 401 && _auth is not null && (AuthError = _auth.Accept(response.Headers.GetAll("WWW-Authenticate"))) is null)
            {
                response = await SendOnceAsync(method, uri, addHeaders, cancellationToken).ConfigureAwait(false);
                // A nonce that expired between the two requests: the server says stale=true; answer once more.
                var stale = response.StatusCode == 401 &&
                    response.Headers.GetAll("WWW-Authenticate").Any(h => h.Contains("stale=true", StringComparison.OrdinalIgnoreCase));
                if (stale && _auth.Accept(response.Headers.GetAll("WWW-Authenticate")) is null)
                    response = await SendOnceAsync(method, uri, addHeaders, cancellationToken).ConfigureAwait(false);
            }
            AfterResponse(method, response);
            return response;
        }
        finally
        {
            _requestLock.Release();
        }
    }

    /// <summary>Sends a '$'-framed packet on the control connection (RTCP receiver reports over TCP).</summary>
    public async Task SendInterleavedAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var frame = ArrayPool<byte>.Shared.Rent(data.Length + 4);
        try
        {
            frame[0] = (byte)'$';
            frame[1] = channel;
            frame[2] = (byte)(data.Length >> 8);
            frame[3] = (byte)data.Length;
            data.Span.CopyTo(frame.AsSpan(4));
            await WriteAsync(frame.AsMemory(0, data.Length + 4), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        State = RtspClientState.Closed;
        CloseReason ??= "closed by the client";
        _closing.Cancel();
        try { _socket?.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket?.Dispose();
        if (_readLoop is not null) await _readLoop.ConfigureAwait(false);
        _stream?.Dispose();
        _closing.Dispose();
        _requestLock.Dispose();
        _writeLock.Dispose();
    }

    private async Task<RtspResponse> SendOnceAsync(string method, string uri, Action<RtspHeaders>? addHeaders, CancellationToken cancellationToken)
    {
        // Closed with a reason: the server (or a protocol error) ended the connection between two requests, an outcome
        // the session reports as a lost connection. Never connected: a bug in the caller.
        if (State == RtspClientState.Closed && CloseReason is { } closed) throw new RtspConnectionException(closed);
        if (State is RtspClientState.Init or RtspClientState.Closed) throw new InvalidOperationException($"{method} in state {State}");
        var cseq = Interlocked.Increment(ref _cseq);
        var request = new RtspRequest(method, uri);
        request.Headers.Add("CSeq", cseq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("User-Agent", _userAgent);
        if (Session is not null) request.Headers.Add("Session", Session.Id);
        if (_auth?.Authorize(method, uri) is { } authorization) request.Headers.Add("Authorization", authorization);
        addHeaders?.Invoke(request.Headers);

        var tcs = new TaskCompletionSource<RtspResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pendingGate)
        {
            if (CloseReason is { } reason && State == RtspClientState.Closed) throw new RtspConnectionException(reason);
            _pending = tcs;
            _pendingCSeq = cseq;
        }
        await WriteAsync(request.ToArray(), cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        try
        {
            return await tcs.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RtspConnectionException($"{method}: no response within {_requestTimeout.TotalSeconds:0.#} s");
        }
        finally
        {
            lock (_pendingGate) if (ReferenceEquals(_pending, tcs)) _pending = null;
        }
    }

    private void AfterResponse(string method, RtspResponse response)
    {
        if (!response.IsSuccess) return;
        switch (method)
        {
            case "OPTIONS":
                if (response.Headers.Get("Public") is { } pub)
                    ServerMethods = pub.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .Select(m => m.ToUpperInvariant()).ToHashSet();
                break;
            case "SETUP":
                if (RtspSessionHeader.Parse(response.Headers.Get("Session")) is { IsOk: true } session) Session = session.Value;
                if (State == RtspClientState.Connected) State = RtspClientState.Ready;
                break;
            case "PLAY":
                State = RtspClientState.Playing;
                break;
            case "TEARDOWN":
                State = RtspClientState.Connected;
                Session = null;
                break;
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var stream = _stream ?? throw new InvalidOperationException("not connected");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new RtspConnectionException($"write failed: {e.InnerException?.Message ?? e.Message}", e);
        }
        catch (ObjectDisposedException e)
        {
            throw new RtspConnectionException(CloseReason ?? "connection closed", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync(PipeReader reader)
    {
        await Task.Yield();
        string reason = "server closed the connection";
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = Consume(ref buffer);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (!consumed.TryGetValue(out var request, out var failure))
                {
                    reason = "protocol error: " + failure.Message;
                    break;
                }
                if (request is not null) await AnswerServerRequestAsync(request).ConfigureAwait(false);
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            reason = CloseReason ?? "closed by the client";
        }
        catch (IOException e)
        {
            reason = $"connection lost: {e.InnerException?.Message ?? e.Message}";
        }
        catch (SocketException e)
        {
            reason = $"connection lost: {e.SocketErrorCode}";
        }
        catch (ObjectDisposedException)
        {
            reason = CloseReason ?? "closed by the client";
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
        TaskCompletionSource<RtspResponse>? pending;
        lock (_pendingGate)
        {
            CloseReason ??= reason;
            State = RtspClientState.Closed;
            pending = _pending;
            _pending = null;
        }
        pending?.TrySetException(new RtspConnectionException(CloseReason));
    }

    /// <summary>
    /// Handles everything complete in the buffer; returns a server request to answer (null when it needs more data),
    /// or the parse error (code <c>malformed</c>) that ends the connection.
    /// </summary>
    private Result<RtspRequest?> Consume(ref ReadOnlySequence<byte> buffer)
    {
        var before = buffer.Length;
        try
        {
            while (true)
            {
                var item = RtspMessageReader.TryRead(ref buffer, _limits);
                switch (item.Status)
                {
                    case RtspReadStatus.NeedMoreData:
                        return Result<RtspRequest?>.Ok(null);
                    case RtspReadStatus.Error:
                        return new Failure("malformed", item.Error!);
                    case RtspReadStatus.InterleavedFrame:
                        DeliverFrame(item.Channel, item.Payload);
                        break;
                    case RtspReadStatus.Response:
                        CompletePending(item.Response!);
                        break;
                    case RtspReadStatus.Request:
                        return item.Request;
                }
            }
        }
        finally
        {
            Interlocked.Add(ref _bytesReceived, before - buffer.Length);
        }
    }

    private void DeliverFrame(byte channel, ReadOnlySequence<byte> payload)
    {
        if (_frames is null) return;
        if (payload.IsSingleSegment)
        {
            _frames.OnInterleavedFrame(channel, payload.FirstSpan);
            return;
        }
        payload.CopyTo(_frameScratch);
        _frames.OnInterleavedFrame(channel, _frameScratch.AsSpan(0, (int)payload.Length));
    }

    private void CompletePending(RtspResponse response)
    {
        TaskCompletionSource<RtspResponse>? pending;
        lock (_pendingGate)
        {
            pending = _pending;
            // A response without CSeq is accepted for the one outstanding request (some cameras omit it).
            if (pending is null || (response.CSeq is { } cseq && cseq != _pendingCSeq)) return;
            _pending = null;
        }
        pending.TrySetResult(response);
    }

    private async Task AnswerServerRequestAsync(RtspRequest request)
    {
        var reply = $"RTSP/1.0 501 Not Implemented\r\nCSeq: {request.Headers.Get("CSeq") ?? "0"}\r\n\r\n";
        try
        {
            await WriteAsync(System.Text.Encoding.ASCII.GetBytes(reply), _closing.Token).ConfigureAwait(false);
        }
        catch (RtspConnectionException)
        {
        }
    }
}
