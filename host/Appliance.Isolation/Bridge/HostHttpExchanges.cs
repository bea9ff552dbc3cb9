using System.Collections.Concurrent;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Isolation.Http;
using Appliance.Isolation.Wire;

namespace Appliance.Isolation.Bridge;

/// <summary>
/// The host's end of the HTTP exchanges with one child: sends the request head and streams the request body as the
/// child grants credit, waits for the response head, then streams the response body to the client, granting the
/// child credit only as the client takes the bytes. Client gone: HttpAbort to the child (its handler's token is
/// cancelled). Child's HttpAbort: the response fails (500 before the head, the connection cut after). The process
/// gone before the head: 503. Any frame the child has no right to send (a head nobody asked for, body without
/// credit or before the head, a second head) is a violation that ends the session.
/// </summary>
internal sealed class HostHttpExchanges(IsolationChannel channel)
{
    private const int RememberAbandoned = 4096;
    private readonly ConcurrentDictionary<uint, Exchange> _open = new();
    private readonly ConcurrentDictionary<uint, bool> _abandoned = new();
    private readonly ConcurrentQueue<uint> _abandonedOrder = new();
    private int _next;
    private volatile Exception? _gone;

    public int Open => _open.Count;

    /// <summary>Serves one request with the child's handler <paramref name="handle"/>.</summary>
    public async Task<PluginStreamResponse> RelayAsync(int handle, PluginStreamRequest request, CancellationToken cancellationToken)
    {
        var id = (uint)Interlocked.Increment(ref _next);
        var exchange = new Exchange(id, channel);
        _open[id] = exchange;
        if (_gone is { } gone)
        {
            _open.TryRemove(id, out _);
            return Unavailable(gone.Message);
        }
        var hasBody = request.ContentLength is > 0 || (request.ContentLength is null && request.Header("Transfer-Encoding") is not null);
        var head = new HttpRequestHead(handle, request.Method, request.Path, new(request.RouteValues), new(request.Query),
            new(request.Headers, StringComparer.OrdinalIgnoreCase), request.ContentLength, request.Caller.User, request.Caller.Role,
            request.RemoteAddress, hasBody);
        try
        {
            // Not cancelled half-way: a frame cut short would break the channel for every other exchange.
            await channel.SendHttpAsync(FrameKind.HttpHead, id, WireJson.Encode(head), CancellationToken.None);
        }
        catch (IOException ex)
        {
            _open.TryRemove(id, out _);
            return Unavailable(ex.Message);
        }
        if (hasBody) _ = PumpRequestAsync(exchange, request.Body);
        HttpResponseHead response;
        using (cancellationToken.Register(() => Abandon(exchange, "the client went away", null)))
        {
            try
            {
                response = await exchange.Head.Task.WaitAsync(cancellationToken);
            }
            catch (PluginProcessGoneException ex)
            {
                return Unavailable(ex.Message);
            }
        }
        if (!response.HasBody)
        {
            Finish(exchange);
            return PluginStreamResponse.Status(response.StatusCode, response.Headers);
        }
        return new PluginStreamResponse(response.StatusCode, response.Headers, (body, ct) => WriteBodyAsync(exchange, body, ct));
    }

    /// <summary>A frame of the child (checked for shape); a failure ends the session.</summary>
    public Failure? Handle(Frame frame)
    {
        if (!_open.TryGetValue(frame.Id, out var exchange))
        {
            // Late frames of an exchange the host gave up on, and credit or aborts racing the exchange's end, are harmless.
            if (_abandoned.ContainsKey(frame.Id)) return null;
            if (frame.Kind is FrameKind.HttpCredit or FrameKind.HttpAbort && frame.Id <= (uint)Volatile.Read(ref _next)) return null;
            return new Failure("malformed", $"a {frame.Kind} for HTTP exchange {frame.Id}, which the host has not opened (or which is over)");
        }
        switch (frame.Kind)
        {
            case FrameKind.HttpHead:
                if (exchange.Received is not null) return new Failure("malformed", $"a second HttpHead for HTTP exchange {frame.Id}");
                var head = WireJson.Decode<HttpResponseHead>(frame.Payload.Span, $"response head of HTTP exchange {frame.Id}");
                if (!head.TryGetValue(out var h, out var bad)) return bad;
                if (h.StatusCode is < 100 or > 599) return new Failure("malformed", $"HTTP exchange {frame.Id}: status {h.StatusCode} is not an HTTP status");
                exchange.Received = h with { Headers = h.Headers ?? [] };
                exchange.Head.TrySetResult(exchange.Received);
                return null;
            case FrameKind.HttpBody:
                if (exchange.Received is not { HasBody: true })
                    return new Failure("malformed", $"an HttpBody for HTTP exchange {frame.Id} before a response head that announced a body");
                return exchange.Response.Push(frame.Id, frame.Payload);
            case FrameKind.HttpEnd:
                if (exchange.Received is not { HasBody: true })
                    return new Failure("malformed", $"an HttpEnd for HTTP exchange {frame.Id} before a response head that announced a body");
                exchange.Response.Complete();
                return null;
            case FrameKind.HttpCredit:
                return exchange.RequestCredit.Grant(HttpFrames.Credit(frame.Payload.Span), HttpFrames.MaxWindow)
                    ? null
                    : new Failure("flow-control", $"HTTP exchange {frame.Id}: the child granted more than {HttpFrames.MaxWindow} bytes of credit");
            case FrameKind.HttpAbort:
                if (_open.TryRemove(frame.Id, out _))
                    exchange.Fail(new IOException($"the plugin's process aborted the response: {HttpFrames.Reason(frame.Payload.Span)}"));
                return null;
            default:
                return new Failure("malformed", $"a {frame.Kind} frame is not an HTTP frame");
        }
    }

    /// <summary>The session is over: every open exchange fails (503 before its head, cut after), new ones answer 503.</summary>
    public void FailAll(string why)
    {
        var gone = new PluginProcessGoneException(why);
        _gone = gone;
        foreach (var id in _open.Keys)
            if (_open.TryRemove(id, out var exchange)) exchange.Fail(gone);
    }

    private async Task PumpRequestAsync(Exchange exchange, Stream body)
    {
        try
        {
            var output = new CreditWriteStream(channel, exchange.Id, exchange.RequestCredit);
            await body.CopyToAsync(output, HttpFrames.MaxChunk, exchange.Stopping);
            await channel.SendHttpAsync(FrameKind.HttpEnd, exchange.Id, ReadOnlyMemory<byte>.Empty);
        }
        catch (OperationCanceledException) when (exchange.Stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // E.g. the body is over the route's limit (the dispatcher answers 413 for this exception) or the client left.
            Abandon(exchange, $"the request body failed: {ex.Message}", ex);
        }
    }

    private async Task WriteBodyAsync(Exchange exchange, Stream body, CancellationToken cancellationToken)
    {
        using var _ = cancellationToken.Register(() => Abandon(exchange, "the client went away", null));
        try
        {
            await exchange.Response.OpenAsync();
            while (await exchange.Response.NextAsync(cancellationToken) is { } piece)
            {
                await body.WriteAsync(piece, cancellationToken);
                await exchange.Response.ConsumedAsync(piece.Length);
            }
            Finish(exchange);
        }
        catch (Exception ex) when (ex is not PluginProcessGoneException)
        {
            Abandon(exchange, $"the response could not be delivered: {ex.Message}", null);
            throw;
        }
    }

    private void Finish(Exchange exchange)
    {
        if (_open.TryRemove(exchange.Id, out _)) exchange.Stop();
    }

    /// <summary>The host gives up on an exchange: the child is told (its handler's token is cancelled) and its late frames ignored.</summary>
    private void Abandon(Exchange exchange, string reason, Exception? cause)
    {
        // Remembered as abandoned before it leaves the open ones: the child's body frames keep coming until it reads
        // the abort, and one read in between (open no more, abandoned not yet) would count as a violation and end
        // the session with every other exchange of the process.
        _abandoned[exchange.Id] = true;
        _abandonedOrder.Enqueue(exchange.Id);
        while (_abandonedOrder.Count > RememberAbandoned && _abandonedOrder.TryDequeue(out var old)) _abandoned.TryRemove(old, out _);
        if (!_open.TryRemove(exchange.Id, out _)) return;
        exchange.Fail(cause ?? new OperationCanceledException(reason));
        _ = SendAbortAsync(exchange.Id, reason);
    }

    private async Task SendAbortAsync(uint id, string reason)
    {
        try
        {
            await channel.SendHttpAsync(FrameKind.HttpAbort, id, HttpFrames.ReasonPayload(reason));
        }
        catch (IOException)
        {
        }
    }

    private static PluginStreamResponse Unavailable(string why) =>
        PluginStreamResponse.Text($"the plugin's process is not available ({why}); try again", 503);

    private sealed class Exchange
    {
        private readonly CancellationTokenSource _stop = new();

        public Exchange(uint id, IsolationChannel channel)
        {
            Id = id;
            Response = new BodyInbox(bytes => channel.SendHttpAsync(FrameKind.HttpCredit, id, HttpFrames.CreditPayload(bytes)));
        }

        public uint Id { get; }

        public TaskCompletionSource<HttpResponseHead> Head { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The response head once received (set on the read loop only).</summary>
        public HttpResponseHead? Received { get; set; }

        public BodyInbox Response { get; }

        public CreditGate RequestCredit { get; } = new();

        public CancellationToken Stopping => _stop.Token;

        public void Stop()
        {
            try
            {
                _stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Fail(Exception why)
        {
            Head.TrySetException(why);
            Response.Fail(why);
            RequestCredit.Fail(why);
            Stop();
        }
    }
}
