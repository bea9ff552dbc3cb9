using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.CloudLink;
using Appliance.Host.Cameras;
using Appliance.Host.Configuration;
using Appliance.Host.Events;
using Appliance.Host.Health;
using Appliance.Host.Plugins;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Cloud;

/// <summary>
/// Keeps the cloud link up while the host runs: the connection (birth, last will, commands), the durable outbox
/// subscription <c>cloud</c> that publishes every event in order and moves on only when the broker acknowledged it
/// (so nothing is lost while the broker is away), and telemetry at the configured interval. Its state is the
/// host health component <c>cloud</c>.
/// </summary>
public sealed class CloudLinkService(
    IOptions<ApplianceOptions> options,
    OutboxEventBus bus,
    HealthRegistry health,
    PluginManager plugins,
    CloudCommands commands,
    CloudCounters counters,
    CloudIdentity identity,
    CameraStore cameras,
    DataUse.DataUseStore dataUse,
    Rules.EventSnapshots snapshots,
    Rules.EventSnapshotWait snapshotWait,
    TimeProvider time,
    ILogger<CloudLinkService> log) : IHostedService, IAsyncDisposable
{
    public const string Subscription = "cloud";

    /// <summary>
    /// Events published at once before their acknowledgements are awaited: one round trip per run instead of one per
    /// event, and below the 20 in-flight messages brokers commonly allow a client (mosquitto's default).
    /// </summary>
    internal const int PublishWindow = 16;
    private const string Owner = "host";
    private const string Component = "cloud";

    private CloudConnection? _connection;
    private IAsyncDisposable? _subscription;
    private ReplayGuard? _replays;
    private RequestIdLog? _requestIds;
    private CloudLinkSettings? _settings;
    private CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _restart = new(1, 1);
    private Task _telemetry = Task.CompletedTask;
    private bool _disposed;

    public LinkStatus? Status => _connection?.Status;

    public string? DeviceId => _settings?.DeviceId;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cloud = options.Value.Cloud;
        if (!cloud.Enabled)
        {
            // Switched off: the events owed to the cloud are no longer owed; a kept cursor would stop pruning forever.
            if (bus.RemoveSubscription(Subscription)) log.LogInformation("Cloud link off: its outbox subscription is removed");
            return Task.CompletedTask;
        }
        var settings = CloudSettings.From(cloud, options.Value.Network, identity);
        if (!settings.TryGetValue(out var ready, out var failure))
        {
            health.Report(Owner, Component, HealthState.Degraded, $"cloud link not started: {failure.Message}");
            log.LogWarning("Cloud link not started: {Problem}", failure);
            return Task.CompletedTask;
        }
        _settings = ready;
        // Taken request ids survive a restart: a persistent session redelivers unacknowledged commands.
        _requestIds = new RequestIdLog(options.Value.DataPath("cloud", "request-ids"));
        _replays = new ReplayGuard(time, log: _requestIds);
        _connection = new CloudConnection(ready, time, new Random(), OnCommandAsync, OnStatus);
        health.Report(Owner, Component, HealthState.Degraded, "connecting to the fleet broker");
        _connection.Start();
        _subscription = bus.SubscribeBatch(Subscription, [], PublishWindow, PublishEventsAsync);
        _stop.Dispose();
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        // The loop lives until StopAsync (its own token), not as long as the start call's token.
        _telemetry = Task.Run(() => TelemetryLoopAsync(cloud, stop), CancellationToken.None);
        return Task.CompletedTask;
    }

    private void OnStatus(LinkStatus status)
    {
        if (status.Connected)
        {
            health.Report(Owner, Component, HealthState.Healthy, $"connected to {status.Broker} ({status.Protocol})");
            log.LogInformation("Cloud link connected to {Broker} with {Protocol}", status.Broker, status.Protocol);
        }
        else
        {
            health.Report(Owner, Component, HealthState.Degraded, $"not connected: {status.Problem}");
            log.LogWarning("Cloud link: {Problem}", status.Problem);
        }
    }

    private async Task OnCommandAsync(IncomingCommand incoming, CancellationToken ct)
    {
        var connection = _connection!;
        var result = await commands.RunAsync(incoming, _settings!.DeviceId, options.Value.Cloud, _replays!, _settings.MaxCommandBytes, ct);
        var sent = await connection.RespondAsync(incoming, result, ct);
        if (!sent.IsOk) log.LogWarning("The result of cloud command {RequestId} was not delivered: {Problem}", result.RequestId, sent.Failure);
    }

    /// <summary>
    /// A run of outbox events to the events topic, all in flight at once on the one connection (QoS 1 keeps a client's
    /// order at the broker); returns how many from the start the broker acknowledged, so the outbox moves past exactly
    /// those. Throws when the broker took none. After a partial failure the rest is published again: at least once, as
    /// QoS 1 promises anyway (each event carries its sequence for the fleet to drop repeats).
    /// </summary>
    private async Task<int> PublishEventsAsync(IReadOnlyList<EventEnvelope> batch, CancellationToken ct)
    {
        var connection = _connection!;
        await WaitForLinkAsync(connection, TimeSpan.FromSeconds(options.Value.Cloud.EventWaitSeconds), ct);
        // The media plugin keeps an event's image through its own outbox subscription, which nothing orders against
        // this one: the batch waits (bounded, eventSnapshotWaitSeconds, all at once) as the rules do, so the event's
        // thumbnail reference is there when the image comes a moment later.
        await Task.WhenAll(batch.Select(e => snapshotWait.PathOfAsync(e, ct)));
        var sends = new Task<Result<bool>>[batch.Count];
        var sizes = new long[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var payload = EventPayload(batch[i]);
            sizes[i] = payload.Length;
            sends[i] = connection.PublishAsync(connection.Topics.Events, payload, retain: false, ct);
        }
        var results = await Task.WhenAll(sends);
        var delivered = 0;
        while (delivered < results.Length && results[delivered].IsOk) delivered++;
        for (var i = 0; i < delivered; i++)
        {
            counters.EventSent();
            dataUse.Record(DataUse.DataUseStore.HostSource, Appliance.Abstractions.Services.DataUseCategories.Telemetry, sizes[i]);
        }
        if (delivered == 0) throw new CloudLinkUnavailableException(results[0].Failure!.ToString());
        return delivered;
    }

    /// <summary>
    /// An event as the fleet gets it. <c>thumbnail</c> references the event's alert image kept by the media plugin
    /// (<see cref="Rules.EventSnapshots.ThumbnailOf"/>): <c>{ snapshotId, contentType, bytes, command: "snapshot" }</c>,
    /// fetched by the fleet with the <c>snapshot</c> command and an upload URL (the image travels only when asked, and
    /// is counted as data use <c>thumbnails</c> then); <c>{ snapshotId, omitted, reason }</c> when the event names an
    /// image that is not there; null without one.
    /// </summary>
    private byte[] EventPayload(EventEnvelope envelope) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        id = envelope.Id,
        sequence = envelope.Sequence,
        type = envelope.Type,
        category = envelope.Category.ToString(),
        source = envelope.Source,
        occurredAt = envelope.OccurredAt,
        data = envelope.Data,
        thumbnail = snapshots.ThumbnailOf(envelope) switch
        {
            null => null,
            { Omitted: { } omitted } t => (object)new { snapshotId = t.SnapshotId, omitted, reason = t.Reason },
            var t => new { snapshotId = t.SnapshotId, contentType = "image/jpeg", bytes = t.Bytes, command = "snapshot" },
        },
    });

    private async Task WaitForLinkAsync(CloudConnection connection, TimeSpan limit, CancellationToken ct)
    {
        var until = time.GetUtcNow() + limit;
        while (!connection.IsConnected && time.GetUtcNow() < until)
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
    }

    private async Task TelemetryLoopAsync(CloudOptions cloud, CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, cloud.TelemetrySeconds));
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var connection = _connection!;
                if (!connection.IsConnected) continue; // telemetry is a sample, not owed: nothing queues while offline
                var payload = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    at = time.GetUtcNow(),
                    health = health.Overall().ToString(),
                    plugins = plugins.List().Select(p => new { id = p.Id, version = p.Version, state = p.State.ToString() }),
                    cameras = cameras.List().Select(c => CameraTelemetry(c, cameras.Health(c.Id))),
                    eventsSent = counters.EventsSent,
                    commandsRun = counters.CommandsRun,
                    commandsRefused = counters.CommandsRefused,
                });
                var sent = await connection.PublishAsync(connection.Topics.Telemetry, payload, retain: false, ct);
                if (sent.IsOk)
                {
                    counters.TelemetryPublished();
                    dataUse.Record(DataUse.DataUseStore.HostSource, Appliance.Abstractions.Services.DataUseCategories.Telemetry, payload.Length);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops the link and starts it again with the identity on disk now (after enrolment or renewal).</summary>
    public async Task RestartAsync()
    {
        await _restart.WaitAsync();
        try
        {
            if (_disposed) return;
            await StopAsync(CancellationToken.None);
            await StartAsync(CancellationToken.None);
        }
        finally
        {
            _restart.Release();
        }
    }

    /// <summary>A camera in telemetry: its stream's state and rates (null before an ingest plugin reported any).</summary>
    private static object CameraTelemetry(CameraInfo camera, StreamHealth? health) => new
    {
        id = camera.Id,
        name = camera.Name,
        enabled = camera.Enabled,
        stream = health is null ? null : new
        {
            state = health.State,
            fps = health.Fps,
            bitrateKbps = health.BitrateKbps,
            lossPercent = health.LossPercent,
            reconnects = health.Reconnects,
            codec = health.Codec,
            transport = health.Transport,
            lastError = health.LastError,
            lastFrameAt = health.LastFrameAt,
        },
    };

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_disposed) return;
        _stop.Cancel();
        if (_subscription is not null) await _subscription.DisposeAsync();
        _subscription = null;
        await _telemetry;
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null;
        _requestIds?.Dispose();
        _requestIds = null;
    }

    /// <remarks>
    /// Registered as a singleton and as the hosted service that resolves it, so the container disposes it twice:
    /// the second call does nothing.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        await StopAsync(CancellationToken.None);
        _disposed = true;
        _stop.Dispose();
    }
}

/// <summary>The broker did not take an event; the outbox keeps it and retries.</summary>
public sealed class CloudLinkUnavailableException(string message) : Exception(message);
