using System.Collections.Concurrent;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Isolation.Rings;
using Appliance.Isolation.Wire;

namespace Appliance.Isolation.Bridge;

/// <summary>
/// The host's end of one child process session: answers the child's context calls against the plugin's real
/// host <see cref="IPluginContext"/> and owns what the child acquired through it (subscriptions, streams, the
/// camera watch). <see cref="DisposeAsync"/> releases it all, so a crashed child leaves nothing behind; routes
/// outlive sessions (<see cref="RouteRelay"/>). A child's call that breaks the contract (a stream ring that is
/// corrupt, a malformed call) ends the session through <see cref="Faulted"/>.
/// </summary>
internal sealed partial class HostBridge : IChannelHandler, IAsyncDisposable
{
    private readonly IPluginContext _context;
    private readonly IsolationChannel _channel;
    private readonly RouteRelay _routes;
    private readonly RingDirectory _rings;
    private readonly ConcurrentDictionary<int, IDisposable> _subscriptions = new();
    private readonly ConcurrentDictionary<int, StreamExport> _exports = new();
    private readonly ConcurrentDictionary<int, (IStreamPublisher Publisher, RingPump Pump)> _imports = new();
    private readonly ConcurrentDictionary<uint, RingPump> _pumpsByRing = new();
    private readonly ConcurrentDictionary<(string, string), int> _routeHandles = new();
    private readonly ConcurrentDictionary<(string, string), int> _streamHandles = new();
    private readonly HostHttpExchanges _http;
    private readonly TaskCompletionSource<Failure> _faulted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _cameraWatch;

    public HostBridge(IPluginContext context, IsolationChannel channel, RouteRelay routes, RingDirectory rings)
    {
        _context = context;
        _channel = channel;
        _routes = routes;
        _rings = rings;
        _http = new HostHttpExchanges(channel);
    }

    /// <summary>Completes when the child broke the contract badly enough that its process must go.</summary>
    public Task<Failure> Faulted => _faulted.Task;

    /// <summary>
    /// Watches the camera directory on the child's behalf (the first list goes out before the child starts). A list
    /// the child cannot be told of (channel gone) is dropped: NotifyAsync never throws, and a new child gets the list anew.
    /// </summary>
    public void WatchCameras() =>
        _cameraWatch = _context.Cameras.Watch(list => _ = _channel.NotifyAsync(Ops.CamerasChanged, new CamerasArgs(list)).AsTask());

    public async ValueTask<Result<JsonElement>> HandleRequestAsync(string op, JsonElement args, CancellationToken cancellationToken)
    {
        switch (op)
        {
            case Ops.PublishEvent:
                return await With<PublishEventArgs>(args, op, async a =>
                {
                    if (!KnownEventTypes.TryGetPublisher(a.Type, out var publish))
                        return Result<JsonElement>.Fail("unknown-type", $"{a.Type} is not an event type of the contract");
                    try
                    {
                        return WireJson.Element(await publish(_context.Events, a.Data, cancellationToken));
                    }
                    catch (JsonException ex)
                    {
                        return Result<JsonElement>.Fail("malformed", $"{a.Type}: {ex.Message}");
                    }
                });
            case Ops.Subscribe:
                return With<SubscribeArgs>(args, op, a =>
                {
                    var handle = _context.Events.Subscribe(a.Subscription, a.Types, (envelope, ct) => DeliverAsync(a.Handle, envelope, ct));
                    if (!_subscriptions.TryAdd(a.Handle, handle))
                    {
                        handle.Dispose();
                        return Result<JsonElement>.Fail("malformed", $"subscription handle {a.Handle} is already in use");
                    }
                    return Ok;
                });
            case Ops.MapRoute:
                return With<MapRouteArgs>(args, op, a =>
                {
                    _routeHandles[(a.Method.ToUpperInvariant(), a.Template)] = a.Handle;
                    _routes.Map(a.Method, a.Template);
                    return Ok;
                });
            case Ops.MapHttp:
                return With<HttpMapArgs>(args, op, a =>
                {
                    try
                    {
                        _routes.MapStream(a.Method, a.Template);
                    }
                    catch (ArgumentException ex)
                    {
                        return Result<JsonElement>.Fail("invalid", ex.Message);
                    }
                    catch (NotSupportedException ex)
                    {
                        return Result<JsonElement>.Fail("unsupported", ex.Message);
                    }
                    _streamHandles[(a.Method.ToUpperInvariant(), a.Template)] = a.Handle;
                    return Ok;
                });
            case Ops.AuthorizeSocket:
                return With<SocketArgs>(args, op, a =>
                    _context.Sockets.Declared.Any(d => d.Transport == a.Transport && a.Port >= d.FromPort && a.Port <= d.ToPort)
                        ? Ok
                        : Result<JsonElement>.Fail("undeclared", $"{a.Transport} port {a.Port} is not declared inbound in the plugin's manifest"));
            case Ops.SetStreamUri:
                return await With<StreamUriArgs>(args, op, async a =>
                {
                    await _context.Cameras.SetStreamUriAsync(a.CameraId, a.StreamUri, cancellationToken);
                    return Ok;
                });
            case Ops.StreamSubscribe:
                return With<StreamSubscribeArgs>(args, op, a => Export(a));
            case Ops.StreamPublish:
                return With<StreamPublishArgs>(args, op, a => Import(a));
            case Ops.StreamList:
                return WireJson.Element(_context.Streams.Streams);
            case Ops.StreamSubscribers:
                return With<StreamNameArgs>(args, op, a => WireJson.Element(_context.Streams.SubscriberCount(a.Name)));
            default:
                return await HandleHostApi11Async(op, args, cancellationToken);
        }
    }

    public void HandleNotify(string op, JsonElement args)
    {
        switch (op)
        {
            case Ops.Log:
                Use<LogArgs>(args, op, a => _context.Logger.Log(a.Level, null, a.Exception is null ? a.Template : a.Template + " | {ChildException}",
                    a.Exception is null ? a.Args : [.. a.Args, a.Exception]));
                break;
            case Ops.HealthReport:
                Use<HealthArgs>(args, op, a => _context.Health.Report(a.Component, a.State, a.Message));
                break;
            case Ops.HealthClear:
                Use<ComponentArgs>(args, op, a => _context.Health.Clear(a.Component));
                break;
            case Ops.Unsubscribe:
                Use<HandleArgs>(args, op, a =>
                {
                    if (_subscriptions.TryRemove(a.Handle, out var s)) s.Dispose();
                });
                break;
            case Ops.ReportStreamHealth:
                Use<StreamHealthArgs>(args, op, a => _context.Cameras.ReportStreamHealth(a.CameraId, a.Health));
                break;
            case Ops.StreamUnsubscribe:
                Use<HandleArgs>(args, op, a =>
                {
                    if (_exports.TryRemove(a.Handle, out var e)) _ = e.DisposeAsync().AsTask();
                });
                break;
            case Ops.StreamUpdate:
                Use<StreamDescriptorArgs>(args, op, a =>
                {
                    if (_imports.TryGetValue(a.Handle, out var i)) i.Publisher.Update(a.Descriptor);
                });
                break;
            case Ops.StreamUnpublish:
                Use<HandleArgs>(args, op, a =>
                {
                    if (_imports.TryRemove(a.Handle, out var i)) _ = CloseImportAsync(i);
                });
                break;
            case Ops.BackgroundCrashed:
                Use<BackgroundCrashArgs>(args, op, a => _faulted.TrySetResult(new Failure("background-crash", $"background task '{a.Name}' crashed: {a.Error}")));
                break;
            default:
                HandleHostApi11Notify(op, args);
                break;
        }
    }

    public void HandleRingTick(uint ring, ulong sequence)
    {
        if (_pumpsByRing.TryGetValue(ring, out var pump)) pump.Wake();
    }

    /// <summary>Relays an HTTP request to the child's handler for (method, template).</summary>
    public async Task<PluginHttpResponse> HandleHttpAsync(string method, string template, PluginHttpRequest request, CancellationToken cancellationToken)
    {
        if (!_routeHandles.TryGetValue((method, template), out var handle))
            return PluginHttpResponse.Text("the plugin's process has not mapped this route", 503);
        var args = new HttpRequestArgs(handle, request.Method, request.Path, new(request.RouteValues), new(request.Query),
            new(request.Headers), request.Body.ToArray(), request.User);
        var answer = await _channel.RequestAsync(Ops.HandleHttp, args, cancellationToken);
        if (!answer.TryGetValue(out var json, out var failure))
            return PluginHttpResponse.Text($"the plugin's process failed: {failure.Message}", 502);
        var response = WireJson.Decode<HttpResponseArgs>(json, "http response");
        return response.IsOk
            ? new PluginHttpResponse(response.Value.StatusCode, response.Value.ContentType, response.Value.Body)
            : PluginHttpResponse.Text($"the plugin's process answered malformed: {response.Failure!.Message}", 502);
    }

    /// <summary>Relays a HostApi 1.1 request to the child's handler for (method, template), bodies streamed both ways.</summary>
    public Task<Appliance.Abstractions.Http.PluginStreamResponse> HandleStreamAsync(string method, string template,
        Appliance.Abstractions.Http.PluginStreamRequest request, CancellationToken cancellationToken) =>
        _streamHandles.TryGetValue((method, template), out var handle)
            ? _http.RelayAsync(handle, request, cancellationToken)
            : Task.FromResult(Appliance.Abstractions.Http.PluginStreamResponse.Text("the plugin's process has not mapped this route", 503));

    public Failure? HandleHttpFrame(Frame frame) => _http.Handle(frame);

    private async Task DeliverAsync(int handle, EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var answer = await _channel.RequestAsync(Ops.DeliverEvent, new DeliverEventArgs(handle, envelope), cancellationToken);
        if (!answer.IsOk) throw new IOException($"the plugin's process did not take event {envelope.Sequence}: {answer.Failure!.Message}");
    }

    private Result<JsonElement> Export(StreamSubscribeArgs a)
    {
        if (_exports.ContainsKey(a.Handle)) return Result<JsonElement>.Fail("malformed", $"stream handle {a.Handle} is already in use");
        var (path, id) = _rings.Next(_context.PluginId);
        var ring = RingWriter.Create(path);
        var export = new StreamExport(_context.Streams, a.Name, ring, id, (r, s) => _channel.RingTickAsync(r, s),
            d => _ = _channel.NotifyAsync(Ops.StreamDescriptor, new StreamDescriptorArgs(a.Handle, d)).AsTask());
        _exports[a.Handle] = export;
        return WireJson.Element(new RingGrant(path, id, export.Descriptor));
    }

    private Result<JsonElement> Import(StreamPublishArgs a)
    {
        if (_imports.ContainsKey(a.Handle)) return Result<JsonElement>.Fail("malformed", $"stream handle {a.Handle} is already in use");
        if (!_rings.Owns(_context.PluginId, a.Path))
            return Result<JsonElement>.Fail("forbidden", $"ring {a.Path} is not in the plugin's ring directory");
        var reader = RingReader.Open(a.Path);
        if (!reader.TryGetValue(out var opened, out var failure)) return Result<JsonElement>.Fail(failure);
        IStreamPublisher publisher;
        try
        {
            publisher = _context.Streams.Publish(a.Descriptor);
        }
        catch (InvalidOperationException ex)
        {
            opened.Dispose();
            return Result<JsonElement>.Fail("taken", ex.Message);
        }
        var pump = new RingPump(opened, unit =>
        {
            try
            {
                publisher.Write(unit);
            }
            catch (ObjectDisposedException)
            {
            }
        }, why => _faulted.TrySetResult(new Failure("corrupt-ring", $"stream {a.Descriptor.Name}: {why.Message}")));
        _imports[a.Handle] = (publisher, pump);
        _pumpsByRing[a.Ring] = pump;
        return Ok;
    }

    private async Task CloseImportAsync((IStreamPublisher Publisher, RingPump Pump) import)
    {
        foreach (var (ring, pump) in _pumpsByRing)
            if (ReferenceEquals(pump, import.Pump)) _pumpsByRing.TryRemove(ring, out _);
        await import.Pump.DisposeAsync();
        import.Publisher.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _http.FailAll("the plugin's process ended");
        _cameraWatch?.Dispose();
        foreach (var handle in _subscriptions.Keys)
            if (_subscriptions.TryRemove(handle, out var s)) s.Dispose();
        foreach (var handle in _exports.Keys)
            if (_exports.TryRemove(handle, out var e)) await e.DisposeAsync();
        foreach (var handle in _imports.Keys)
            if (_imports.TryRemove(handle, out var i)) await CloseImportAsync(i);
        DisposeHostApi11();
    }

    private static readonly JsonElement OkElement = JsonDocument.Parse("{}").RootElement;

    private static Result<JsonElement> Ok => OkElement;

    private Result<JsonElement> With<T>(JsonElement args, string op, Func<T, Result<JsonElement>> act) =>
        WireJson.Decode<T>(args, op).Bind(act);

    private async ValueTask<Result<JsonElement>> With<T>(JsonElement args, string op, Func<T, Task<Result<JsonElement>>> act)
    {
        var decoded = WireJson.Decode<T>(args, op);
        return decoded.TryGetValue(out var value, out var failure) ? await act(value) : Result<JsonElement>.Fail(failure);
    }

    private void Use<T>(JsonElement args, string op, Action<T> act)
    {
        var decoded = WireJson.Decode<T>(args, op);
        if (decoded.TryGetValue(out var value, out var failure)) act(value);
        else _faulted.TrySetResult(failure);
    }
}
