using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Pos;

/// <summary>
/// Point of sale: one listener per register group on its configured port (inside the declared range), transactions
/// stored with full-text search and published as named events, forwarding through a durable subscription, search and
/// transaction routes, a portal page.
/// </summary>
public sealed class PosPlugin : IPlugin
{
    public const int MaxSearchResults = 500;
    private TransactionForwarder? _forwarder;

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var read = PosSettings.Read(context.Config);
        if (!read.TryGetValue(out var settings, out var failure)) throw new InvalidOperationException($"POS configuration: {failure.Message}");
        var registered = PosEventTypes.Register(context.NamedEvents);
        if (!registered.IsOk) throw new InvalidOperationException(registered.Failure!.Message);
        var store = new PosStore(context.DataDirectory);
        var ingest = new PosIngest(context, store);

        foreach (var register in settings.Registers)
        {
            var listener = context.Sockets.ListenTcp(register.Port, settings.BindAddress);
            context.RunBackground($"register/{register.Name}", ct => AcceptLoopAsync(listener, register, settings, ingest, context, ct));
            context.Health.Report($"register/{register.Name}", HealthState.Healthy, $"listening on TCP {register.Port}");
        }
        if (settings.ForwardUrl is { } url)
        {
            var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
            if (settings.ForwardPin is { } pin) handler.SslOptions.RemoteCertificateValidationCallback = pin.Validation;
            var forwarder = _forwarder = new TransactionForwarder(context, new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }, url, settings.ForwardTimeout);
            context.NamedEvents.Subscribe(TransactionForwarder.Component, EventFilter.ByTypes(PosEventTypes.Completed), forwarder.DeliverAsync);
        }
        context.RunBackground("retention", async ct =>
        {
            while (!ct.IsCancellationRequested)
            {
                store.Prune(context.Time.GetUtcNow() - settings.Retention);
                await Task.Delay(TimeSpan.FromHours(1), context.Time, ct);
            }
        });
        context.Http.Map("GET", "search", (request, _) => Task.FromResult(Search(store, request)));
        context.Http.Map("GET", "transactions/{id}", (request, _) =>
            Task.FromResult(long.TryParse(request.RouteValues["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && store.Get(id) is { } t
                ? PluginStreamResponse.Json(JsonSerializer.Serialize(t, JsonSerializerOptions.Web))
                : PluginStreamResponse.Text("no such transaction", 404)));
        context.Http.Map("GET", "page", (_, _) =>
        {
            var latest = store.Search("", null, null, null, 50);
            return Task.FromResult(PluginStreamResponse.Html(TransactionsPage.Render(settings.Registers, latest.IsOk ? latest.Value : [])));
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _forwarder?.Dispose();
        _forwarder = null;
        return Task.CompletedTask;
    }

    internal static PluginStreamResponse Search(PosStore store, PluginStreamRequest request)
    {
        var q = request.Query.GetValueOrDefault("q", "");
        if (q.Length > 1000) return PluginStreamResponse.Text("q: at most 1000 characters", 400);
        var limit = 50;
        if (request.Query.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxSearchResults))
            return PluginStreamResponse.Text($"limit: 1 to {MaxSearchResults}", 400);
        DateTimeOffset? from = null, to = null;
        if (request.Query.TryGetValue("from", out var f))
        {
            if (!DateTimeOffset.TryParse(f, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var v)) return PluginStreamResponse.Text("from: an ISO 8601 time", 400);
            from = v;
        }
        if (request.Query.TryGetValue("to", out var t))
        {
            if (!DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var v)) return PluginStreamResponse.Text("to: an ISO 8601 time", 400);
            to = v;
        }
        var found = store.Search(q, request.Query.GetValueOrDefault("register"), from, to, limit);
        return found.IsOk
            ? PluginStreamResponse.Json(JsonSerializer.Serialize(found.Value, JsonSerializerOptions.Web))
            : PluginStreamResponse.Text(found.Failure!.Message, 400);
    }

    private static Task AcceptLoopAsync(Socket listener, RegisterSettings register, PosSettings settings, PosIngest ingest, IPluginContext context, CancellationToken ct) =>
        BoundedAcceptLoop.RunAsync(listener, settings.MaxConnections,
            socket => context.Logger.Warn("POS register {Register}: more than {Max} connections, {Remote} closed at accept", register.Name, settings.MaxConnections, socket.RemoteEndPoint),
            async (socket, stop) =>
            {
                try
                {
                    await new RegisterConnection(socket, register, settings, ingest, context.Time).RunAsync(stop);
                }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    context.Logger.Warn("POS register {Register}: connection ended: {Error}", register.Name, e.Message);
                }
            },
            ct);
}
