using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;
using Appliance.Abstractions.Services;

namespace Appliance.Testing.Plugins;

/// <summary>The plugin's log lines in memory: "Level: template [args]".</summary>
public sealed class MemoryLogDouble : IPluginLogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public bool IsEnabled(PluginLogLevel level) => true;

    public void Log(PluginLogLevel level, Exception? exception, string messageTemplate, params object?[] args) =>
        Lines.Enqueue($"{level}: {messageTemplate} [{string.Join(", ", args)}]{(exception is null ? "" : " " + exception.Message)}");
}

/// <summary>
/// Listening sockets as the host's factory gives them, for the declared ports only, bound on 127.0.0.1 whatever the
/// plugin asks (tests never listen beyond loopback). Disposed with the context.
/// </summary>
public sealed class LoopbackSocketsDouble(IReadOnlyList<DeclaredPort> declared) : IDeclaredSockets, IDisposable
{
    private readonly ConcurrentBag<Socket> _opened = [];
    private readonly ConcurrentQueue<int> _bound = new();

    public IReadOnlyList<DeclaredPort> Declared => declared;

    /// <summary>The ports the plugin bound or listened on, in order.</summary>
    public IReadOnlyList<int> BoundPorts => _bound.ToArray();

    public Socket ListenTcp(int port, IPAddress? address = null, int backlog = 128)
    {
        Check(SocketTransport.Tcp, port);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        socket.Listen(backlog);
        _opened.Add(socket);
        _bound.Enqueue(port);
        return socket;
    }

    public Socket BindUdp(int port, IPAddress? address = null)
    {
        Check(SocketTransport.Udp, port);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _opened.Add(socket);
        _bound.Enqueue(port);
        return socket;
    }

    public void Dispose()
    {
        foreach (var s in _opened) s.Dispose();
    }

    private void Check(SocketTransport transport, int port)
    {
        if (!declared.Any(d => d.Transport == transport && port >= d.FromPort && port <= d.ToPort))
            throw new UndeclaredPortException($"{transport} port {port} is not declared inbound");
    }
}

/// <summary>The appliance's network settings as the plugin reads them; the test may change them.</summary>
public sealed class HostSettingsDouble : IHostSettings
{
    public HostSettingsSnapshot Current { get; set; } = new(8443, null, null, [], null, [], []);
}

/// <summary>
/// Named events as the host keeps them: types registered by this plugin (a second, different registration is refused),
/// publishing only of registered types, with the schema's top-level <c>required</c> and <c>additionalProperties:
/// false</c> checked; every published envelope kept in order, and queued for the matching subscriptions until the test
/// drains them (<see cref="DrainAsync"/>).
/// </summary>
public sealed class NamedEventsDouble(string pluginId) : INamedEvents
{
    private readonly ConcurrentDictionary<string, EventTypeInfo> _types = new();
    private long _sequence;

    public ConcurrentQueue<EventEnvelope> Published { get; } = new();

    /// <summary>When set, every publish fails with this (a bus that cannot store).</summary>
    public Failure? FailPublishing { get; set; }

    public Result<EventTypeInfo> Register(string type, EventCategory category, string jsonSchema, string description)
    {
        using var schema = JsonDocument.Parse(jsonSchema);
        var info = new EventTypeInfo(type, category, description, jsonSchema, pluginId);
        var stored = _types.GetOrAdd(type, info);
        return stored == info ? info : Result<EventTypeInfo>.Fail("taken", $"{type} is already registered differently");
    }

    public IReadOnlyList<EventTypeInfo> Types() => [.. _types.Values];

    public Task<Result<EventEnvelope>> PublishAsync(string type, JsonElement data, CancellationToken cancellationToken = default)
    {
        if (FailPublishing is { } failure) return Task.FromResult(Result<EventEnvelope>.Fail(failure));
        if (!_types.TryGetValue(type, out var info)) return Task.FromResult(Result<EventEnvelope>.Fail("unknown-type", $"{type} is not registered"));
        var problem = Check(info.Schema!, data);
        if (problem is not null) return Task.FromResult(Result<EventEnvelope>.Fail("schema", problem));
        var envelope = new EventEnvelope(Interlocked.Increment(ref _sequence), Guid.NewGuid(), type, info.Category, pluginId, DateTimeOffset.UtcNow, data.Clone());
        Published.Enqueue(envelope);
        lock (_subscriptions)
        {
            foreach (var s in _subscriptions.Where(s => s.Filter.Matches(type, info.Category))) s.Pending.Enqueue(envelope);
        }
        return Task.FromResult(Result<EventEnvelope>.Ok(envelope));
    }

    /// <summary>Registers a durable subscription: events published from now on queue for it until <see cref="DrainAsync"/>.</summary>
    public IDisposable Subscribe(string subscription, EventFilter filter, Abstractions.Events.EventHandler handler)
    {
        lock (_subscriptions) _subscriptions.Add(new Subscription(subscription, filter, handler));
        return new Unsubscribe();
    }

    /// <summary>
    /// Hands each subscription its queued events in order, as the outbox does: a handler that throws
    /// <see cref="IOException"/> keeps its event at the head of its queue for the next drain. Returns how many are left.
    /// </summary>
    public async Task<int> DrainAsync()
    {
        List<Subscription> subscriptions;
        lock (_subscriptions) subscriptions = [.. _subscriptions];
        foreach (var s in subscriptions)
        {
            while (s.Pending.TryPeek(out var next))
            {
                try
                {
                    await s.Handler(next, default);
                }
                catch (IOException)
                {
                    break;
                }
                s.Pending.TryDequeue(out _);
            }
        }
        return subscriptions.Sum(s => s.Pending.Count);
    }

    private readonly List<Subscription> _subscriptions = [];

    private sealed record Subscription(string Name, EventFilter Filter, Abstractions.Events.EventHandler Handler)
    {
        public ConcurrentQueue<EventEnvelope> Pending { get; } = new();
    }

    private sealed class Unsubscribe : IDisposable
    {
        public void Dispose()
        {
        }
    }

    private static string? Check(string schemaText, JsonElement data)
    {
        using var schema = JsonDocument.Parse(schemaText);
        if (data.ValueKind != JsonValueKind.Object) return "$: expected an object";
        var properties = schema.RootElement.GetProperty("properties");
        if (schema.RootElement.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (!data.TryGetProperty(name, out _)) return $"$.{name}: required";
        }
        if (schema.RootElement.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.False)
        {
            foreach (var p in data.EnumerateObject())
                if (!properties.TryGetProperty(p.Name, out _)) return $"$.{p.Name}: not allowed";
        }
        return null;
    }
}

/// <summary>HostApi 1.1 routes by "METHOD template", called directly by tests.</summary>
public sealed class HttpSurfaceDouble(string pluginId) : IHttpSurface
{
    public string BasePath => $"/plugins/{pluginId}";

    public ConcurrentDictionary<string, PluginStreamHandler> Routes { get; } = new();

    public void Map(string method, string template, PluginStreamHandler handler)
    {
        if (!Routes.TryAdd($"{method} {template}", handler)) throw new ArgumentException($"{method} {template} mapped twice");
    }

    /// <summary>Calls a mapped GET route (with a query string such as <c>q=milk&amp;limit=5</c>, values unescaped) and returns its status and body as text.</summary>
    public async Task<(int Status, string Body)> GetAsync(string template, string query = "", IReadOnlyDictionary<string, string>? routeValues = null)
    {
        var (status, _, body) = await CallAsync("GET", template, routeValues, query: query, role: UserRole.Viewer);
        return (status, System.Text.Encoding.UTF8.GetString(body));
    }

    /// <summary>Calls a mapped route as the host would (body as UTF-8 text, headers case-insensitive) and returns its status, headers and body bytes.</summary>
    public async Task<(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)> CallAsync(string method, string template,
        IReadOnlyDictionary<string, string>? routeValues = null, string? body = null, IReadOnlyDictionary<string, string>? headers = null,
        string query = "", UserRole role = UserRole.Admin)
    {
        var parameters = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");
        var request = new PluginStreamRequest(method, $"{BasePath}/{template}", routeValues ?? new Dictionary<string, string>(), parameters,
            new Dictionary<string, string>(headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase), body is null ? null : System.Text.Encoding.UTF8.GetByteCount(body),
            body is null ? Stream.Null : new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)), new PluginCaller("test", role), "127.0.0.1");
        var response = await Routes[$"{method} {template}"](request, default);
        using var output = new MemoryStream();
        if (response.Body is { } write) await write(output, default);
        return (response.StatusCode, response.Headers, output.ToArray());
    }
}
