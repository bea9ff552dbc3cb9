using System.Collections.Concurrent;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Isolation.Http;
using Appliance.Isolation.Wire;

namespace Appliance.PluginHost;

/// <summary>
/// HostApi 1.1 routes in the child: mapped on the host (which serves, authenticates and limits them); each request
/// arrives as an HTTP exchange. The request body is read as the host sends it (this side grants credit as the
/// handler reads), the response body is sent only as the host grants credit (as its client takes the bytes). The
/// host's HttpAbort cancels the handler's token; a handler that throws aborts the exchange on the host.
/// </summary>
internal sealed class RemoteHttp(HostLink host, string basePath) : IHttpSurface, IDisposable
{
    private readonly ConcurrentDictionary<int, PluginStreamHandler> _handlers = new();
    private readonly ConcurrentDictionary<uint, Exchange> _open = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _next;

    public string BasePath => basePath;

    public void Map(string method, string template, PluginStreamHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(handler);
        var handle = Interlocked.Increment(ref _next);
        _handlers[handle] = handler;
        try
        {
            host.Call(Ops.MapHttp, new HttpMapArgs(handle, method, template));
        }
        catch
        {
            _handlers.TryRemove(handle, out _);
            throw;
        }
    }

    /// <summary>A frame of an exchange (runs on the channel's read loop: never waits).</summary>
    public Failure? Handle(Frame frame)
    {
        if (frame.Kind == FrameKind.HttpHead)
        {
            var head = WireJson.Decode<HttpRequestHead>(frame.Payload.Span, $"request head of HTTP exchange {frame.Id}");
            if (!head.TryGetValue(out var h, out var bad)) return bad;
            var exchange = new Exchange(frame.Id, host, _stopping.Token);
            if (!_open.TryAdd(frame.Id, exchange)) return new Failure("malformed", $"a second HttpHead for HTTP exchange {frame.Id}");
            _ = Task.Run(() => RunAsync(exchange, h));
            return null;
        }
        // Frames of an exchange already over (the handler finished early) are late, not wrong.
        if (!_open.TryGetValue(frame.Id, out var open)) return null;
        switch (frame.Kind)
        {
            case FrameKind.HttpBody:
                return open.Request.Push(frame.Id, frame.Payload);
            case FrameKind.HttpEnd:
                open.Request.Complete();
                return null;
            case FrameKind.HttpCredit:
                return open.ResponseCredit.Grant(HttpFrames.Credit(frame.Payload.Span), HttpFrames.MaxWindow)
                    ? null
                    : new Failure("flow-control", $"HTTP exchange {frame.Id}: the host granted more than {HttpFrames.MaxWindow} bytes of credit");
            case FrameKind.HttpAbort:
                open.AbortedByHost(HttpFrames.Reason(frame.Payload.Span));
                return null;
            default:
                return new Failure("malformed", $"a {frame.Kind} frame is not an HTTP frame");
        }
    }

    private async Task RunAsync(Exchange exchange, HttpRequestHead head)
    {
        var channel = host.Channel;
        try
        {
            if (!_handlers.TryGetValue(head.Handle, out var handler))
            {
                await channel.SendHttpAsync(FrameKind.HttpHead, exchange.Id, WireJson.Encode(new HttpResponseHead(404, [], false)));
                return;
            }
            if (head.HasBody) await exchange.Request.OpenAsync();
            var request = new PluginStreamRequest(head.Method, head.Path, head.RouteValues ?? [], head.Query ?? [],
                new Dictionary<string, string>(head.Headers ?? [], StringComparer.OrdinalIgnoreCase), head.ContentLength,
                head.HasBody ? new InboxReadStream(exchange.Request) : Stream.Null,
                head.User is null && head.Role is null ? PluginCaller.Anonymous : new PluginCaller(head.User, head.Role), head.RemoteAddress);
            var response = await handler(request, exchange.Token);
            var hasBody = response.Body is not null && head.Method != "HEAD";
            await channel.SendHttpAsync(FrameKind.HttpHead, exchange.Id,
                WireJson.Encode(new HttpResponseHead(response.StatusCode, new Dictionary<string, string>(response.Headers), hasBody)));
            if (!hasBody) return;
            await response.Body!(new CreditWriteStream(channel, exchange.Id, exchange.ResponseCredit), exchange.Token);
            await channel.SendHttpAsync(FrameKind.HttpEnd, exchange.Id, ReadOnlyMemory<byte>.Empty);
        }
        catch (Exception ex) when (!exchange.HostAborted)
        {
            try
            {
                await channel.SendHttpAsync(FrameKind.HttpAbort, exchange.Id, HttpFrames.ReasonPayload($"{ex.GetType().Name}: {ex.Message}"));
            }
            catch (IOException)
            {
            }
        }
        catch (Exception)
        {
            // The host gave up on the exchange (its client went away): nothing more to say.
        }
        finally
        {
            _open.TryRemove(exchange.Id, out _);
            exchange.Dispose();
        }
    }

    /// <summary>The plugin stops: every handler's token is cancelled.</summary>
    public void Dispose() => _stopping.Cancel();

    private sealed class Exchange : IDisposable
    {
        private readonly CancellationTokenSource _cancel;
        private volatile bool _hostAborted;

        public Exchange(uint id, HostLink host, CancellationToken stopping)
        {
            Id = id;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            Token = _cancel.Token;
            Request = new BodyInbox(bytes => host.Channel.SendHttpAsync(FrameKind.HttpCredit, id, HttpFrames.CreditPayload(bytes)));
        }

        public uint Id { get; }

        public CancellationToken Token { get; }

        public BodyInbox Request { get; }

        public CreditGate ResponseCredit { get; } = new();

        public bool HostAborted => _hostAborted;

        public void AbortedByHost(string reason)
        {
            _hostAborted = true;
            // The token first: a handler woken by the failed body sees its token already cancelled.
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
            var why = new IOException($"the host aborted the request: {reason}");
            Request.Fail(why);
            ResponseCredit.Fail(why);
        }

        public void Dispose() => _cancel.Dispose();
    }
}
