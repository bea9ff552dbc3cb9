using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;
using Appliance.Plugins.Rtsp.Protocol.Server;

namespace Appliance.Plugins.RtspServer.Plugin;

/// <summary>
/// One client's TCP connection: reads requests (and the client's interleaved RTCP) with the parser's limits, answers
/// through the <see cref="RtspRequestHandler"/>, and carries interleaved media. Closes on a request it cannot frame
/// (after a 400), on a partial request older than the head timeout (slowloris), when idle with no session, and
/// when a write stays blocked past the send timeout. All writes share one lock, so a response never splits a frame.
/// </summary>
internal sealed class RtspConnection : IAsyncDisposable
{
    /// <summary>Largest item the reader may need at once: an interleaved frame of 65,535 bytes plus its header, or a request.</summary>
    private const int BufferSize = 65535 + 4 + 1024;

    private static readonly RtspParserLimits Limits = new(MaxHeaderCount: 64, MaxHeaderSectionBytes: 16 * 1024, MaxLineBytes: 8 * 1024, MaxContentLength: 16 * 1024);

    private readonly Socket _socket;
    private readonly RtspRequestHandler _handler;
    private readonly RtspServerSessions _sessions;
    private readonly RtspServerSettings _settings;
    private readonly IPluginLogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private readonly RtspServerConnectionInfo _info;

    public RtspConnection(Socket socket, RtspRequestHandler handler, RtspServerSessions sessions, RtspServerSettings settings, IPluginLogger logger, TimeProvider time)
    {
        _socket = socket;
        _handler = handler;
        _sessions = sessions;
        _settings = settings;
        _logger = logger;
        _time = time;
        _socket.NoDelay = true;
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var localAddress = local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address;
        var authority = localAddress.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{localAddress}]:{local.Port}" : $"{localAddress}:{local.Port}";
        _info = new RtspServerConnectionInfo(this, remote.Address, authority, Secure: false);
        Remote = remote;
    }

    public IPEndPoint Remote { get; }

    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _closed.Token);
        var ct = linked.Token;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var filled = 0;
        var lastActivity = _time.GetUtcNow();
        DateTimeOffset? partialSince = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                int read;
                using (var slice = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    slice.CancelAfter(TimeSpan.FromSeconds(2));
                    try
                    {
                        read = await _socket.ReceiveAsync(buffer.AsMemory(filled, BufferSize - filled), SocketFlags.None, slice.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        var now = _time.GetUtcNow();
                        if (partialSince is { } since && now - since > _settings.RequestHeadTimeout) return; // slowloris
                        if (now - lastActivity > _settings.IdleTimeout && _sessions.OfConnection(this).Count == 0) return;
                        continue;
                    }
                }
                if (read == 0) return;
                filled += read;
                lastActivity = _time.GetUtcNow();
                TouchSessions(lastActivity);

                var sequence = new ReadOnlySequence<byte>(buffer, 0, filled);
                while (true)
                {
                    var result = RtspMessageReader.TryRead(ref sequence, Limits);
                    if (result.Status == RtspReadStatus.NeedMoreData) break;
                    if (result.Status == RtspReadStatus.Error)
                    {
                        await SendAsync(RtspServerResponse.Error(400, "Bad Request", close: true).ToBytes(), ct).ConfigureAwait(false);
                        return;
                    }
                    if (result.Status == RtspReadStatus.Response) continue; // a client has no business answering; ignore
                    if (result.Status == RtspReadStatus.InterleavedFrame) continue; // RTCP receiver reports: activity only
                    var response = await AnswerAsync(result.Request!, ct).ConfigureAwait(false);
                    if (response.CloseAfter) return;
                }
                var consumed = filled - (int)sequence.Length;
                if (consumed > 0)
                {
                    Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                    filled -= consumed;
                }
                partialSince = filled == 0 ? null : partialSince ?? lastActivity;
                if (partialSince is { } started && lastActivity - started > _settings.RequestHeadTimeout) return; // slowloris
                if (filled == BufferSize)
                {
                    // Cannot happen with the parser's limits (it errors first); close rather than spin.
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Close();
            _handler.CloseConnection(this);
        }
    }

    /// <summary>
    /// Handles a request and writes its response. A PLAY is handled holding the write lock: its media (the GOP cache
    /// first, a keyframe) starts flowing while the handler returns, and a client reading the answer skips the
    /// interleaved frames that come before it (ffmpeg does), so media written first would lose the keyframe and the
    /// client's first frames would miss their reference picture.
    /// </summary>
    private async Task<RtspServerResponse> AnswerAsync(RtspRequest request, CancellationToken ct)
    {
        if (!string.Equals(request.Method, "PLAY", StringComparison.OrdinalIgnoreCase))
        {
            var response = await _handler.HandleAsync(request, _info, ct).ConfigureAwait(false);
            await SendAsync(response.ToBytes(), ct).ConfigureAwait(false);
            return response;
        }
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var response = await _handler.HandleAsync(request, _info, ct).ConfigureAwait(false);
            await WriteLockedAsync(response.ToBytes(), ct).ConfigureAwait(false);
            return response;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends interleaved media; a write blocked past the send timeout closes the connection.</summary>
    public Task SendMediaAsync(ReadOnlyMemory<byte> data, CancellationToken ct) => SendAsync(data, ct);

    private async Task SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await WriteLockedAsync(data, ct).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes while holding <see cref="_writeLock"/>.</summary>
    private async Task WriteLockedAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, _closed.Token);
        timeout.CancelAfter(_settings.SendTimeout);
        try
        {
            while (!data.IsEmpty)
            {
                var sent = await _socket.SendAsync(data, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                data = data[sent..];
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Blocked too long (or closed meanwhile): a frame may be half written, so the connection is unusable.
            _logger.Info("RTSP client {Client}: write blocked for {Seconds} s, closing", Remote, _settings.SendTimeout.TotalSeconds);
            Close();
            throw new ObjectDisposedException(nameof(RtspConnection));
        }
    }

    private void TouchSessions(DateTimeOffset now)
    {
        foreach (var session in _sessions.OfConnection(this)) session.Touch(now);
    }

    public void Close()
    {
        if (_closed.IsCancellationRequested) return;
        try { _closed.Cancel(); } catch (ObjectDisposedException) { }
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}
