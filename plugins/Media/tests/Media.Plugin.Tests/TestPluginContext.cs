using System.Collections.Concurrent;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;
using Appliance.Abstractions.Media;
using Appliance.Streams;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>
/// A minimal host for the plugin under test: the real <see cref="StreamHub"/>, an in-memory event bus that also
/// delivers to subscribers, health, a camera list, an HTTP surface whose routes a test calls directly.
/// </summary>
public sealed class TestPluginContext : IPluginContext, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _loops = new();

    public TestPluginContext(string configJson = "{}")
    {
        Config = JsonDocument.Parse(configJson).RootElement.Clone();
        DataDirectory = Directory.CreateTempSubdirectory("appl-media-test-").FullName;
    }

    public string PluginId => "appliance.media";
    public JsonElement Config { get; }
    public IPluginLogger Logger { get; } = new NullLogger();
    public string DataDirectory { get; }
    public TestEventBus Bus { get; } = new();
    public IEventBus Events => Bus;
    public ConcurrentDictionary<string, HealthReport> HealthReports { get; } = new();
    public IHealthReporter Health => new Reporter(HealthReports);
    public IRouteRegistry Routes => throw new NotSupportedException("the media plugin uses the 1.1 surface");
    public IDeclaredSockets Sockets => throw new NotSupportedException();
    public StreamHub Hub { get; } = new();
    public IStreamHub Streams => Hub;
    public TestCameras CameraList { get; } = new();
    public ICameraDirectory Cameras => CameraList;
    public TimeProvider Time => TimeProvider.System;
    public TestHttpSurface Surface { get; } = new();
    public IHttpSurface Http => Surface;
    public ConcurrentQueue<Exception> BackgroundFailures { get; } = new();

    public void RunBackground(string name, Func<CancellationToken, Task> loop) =>
        _loops.Add(Task.Run(async () =>
        {
            try { await loop(_stopping.Token); }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { }
            catch (Exception e) { BackgroundFailures.Enqueue(new InvalidOperationException($"background loop {name} failed", e)); }
        }));

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(30));
        try { Directory.Delete(DataDirectory, true); } catch (IOException) { }
    }

    private sealed class Reporter(ConcurrentDictionary<string, HealthReport> reports) : IHealthReporter
    {
        public void Report(string component, HealthState state, string message) => reports[component] = new HealthReport(component, state, message, DateTimeOffset.UtcNow);
        public void Clear(string component) => reports.TryRemove(component, out _);
    }

    private sealed class NullLogger : IPluginLogger
    {
        public bool IsEnabled(PluginLogLevel level) => false;
        public void Log(PluginLogLevel level, Exception? exception, string messageTemplate, params object?[] args) { }
    }
}

/// <summary>Publishes into a list and delivers each event to the subscribers of its type.</summary>
public sealed class TestEventBus : IEventBus
{
    private readonly ConcurrentBag<(IReadOnlyCollection<string> Types, Abstractions.Events.EventHandler Handler)> _subscribers = new();
    private long _sequence;

    public ConcurrentQueue<EventEnvelope> Published { get; } = new();

    public IReadOnlyList<T> Of<T>() where T : class, IApplianceEvent =>
        Published.Select(e => e.TryGet<T>(out var v) ? v : null).Where(v => v is not null).Select(v => v!).ToList();

    public async Task<EventEnvelope> PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default) where TEvent : class, IApplianceEvent
    {
        var envelope = new EventEnvelope(Interlocked.Increment(ref _sequence), Guid.NewGuid(), typeof(TEvent).Name, @event.Category, "test",
            DateTimeOffset.UtcNow, JsonSerializer.SerializeToElement(@event, EventEnvelope.SerializerOptions));
        Published.Enqueue(envelope);
        foreach (var (types, handler) in _subscribers)
            if (types.Count == 0 || types.Contains(envelope.Type)) await handler(envelope, cancellationToken);
        return envelope;
    }

    public IDisposable Subscribe(string subscription, IReadOnlyCollection<string> types, Abstractions.Events.EventHandler handler)
    {
        _subscribers.Add((types, handler));
        return new Nothing();
    }

    private sealed class Nothing : IDisposable
    {
        public void Dispose() { }
    }
}

public sealed class TestCameras : ICameraDirectory
{
    private readonly List<Action<IReadOnlyList<CameraInfo>>> _watchers = new();
    private IReadOnlyList<CameraInfo> _cameras = [];

    public void Set(params string[] ids)
    {
        _cameras = ids.Select(id => new CameraInfo(id, id, true, null, null, null, null, new CameraOverrides())).ToList();
        foreach (var w in _watchers.ToList()) w(_cameras);
    }

    public IReadOnlyList<CameraInfo> List() => _cameras;

    public IDisposable Watch(Action<IReadOnlyList<CameraInfo>> onChanged)
    {
        _watchers.Add(onChanged);
        onChanged(_cameras);
        return new Unwatch(() => _watchers.Remove(onChanged));
    }

    public Task SetStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public void ReportStreamHealth(string cameraId, StreamHealth health) { }

    private sealed class Unwatch(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

/// <summary>Routes mapped by the plugin; a test calls them as the host would.</summary>
public sealed class TestHttpSurface : IHttpSurface
{
    private readonly ConcurrentDictionary<(string Method, string Template), PluginStreamHandler> _routes = new();

    public string BasePath => "/plugins/appliance.media";

    public void Map(string method, string template, PluginStreamHandler handler)
    {
        if (!_routes.TryAdd((method, template), handler)) throw new ArgumentException($"{method} {template} mapped twice");
    }

    public IReadOnlyCollection<(string Method, string Template)> Mapped => _routes.Keys.ToList();

    /// <summary>Calls a route and returns status, headers and the body bytes.</summary>
    public async Task<(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)> CallAsync(
        string method, string template, IReadOnlyDictionary<string, string> values, string? body = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var handler = _routes[(method, template)];
        var request = new PluginStreamRequest(method, BasePath + "/" + template, values, new Dictionary<string, string>(),
            new Dictionary<string, string>(headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase),
            body?.Length, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body ?? "")), new PluginCaller("tester", UserRole.Admin), "127.0.0.1");
        var response = await handler(request, CancellationToken.None);
        using var output = new MemoryStream();
        if (response.Body is not null) await response.Body(output, CancellationToken.None);
        return (response.StatusCode, response.Headers, output.ToArray());
    }
}
