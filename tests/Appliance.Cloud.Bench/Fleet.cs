using System.Diagnostics;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Appliance.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace Appliance.Cloud.Bench;

/// <summary>The fleet side, event-driven: a result completes its request the moment it arrives.</summary>
public sealed class Fleet : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new();
    private long _events;
    private long _firstEvent;
    private long _lastEvent;
    private long _lastSequence;
    private long _outOfOrder;

    /// <summary>Seconds between the first and the last event of <see cref="ProbeType"/> received (Stopwatch clock).</summary>
    public double EventSpanSeconds => Stopwatch.GetElapsedTime(Interlocked.Read(ref _firstEvent), Interlocked.Read(ref _lastEvent)).TotalSeconds;

    /// <summary>The event type the bench queues; the span and counts are of these only.</summary>
    public const string ProbeType = "BenchProbe";

    /// <summary>Events of <see cref="ProbeType"/> received.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Events that arrived with a sequence not above the one before (reordered or repeated).</summary>
    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    public static async Task<Fleet> ConnectAsync(TestPki pki, int port, string clientId, bool persistent = false)
    {
        var fleet = new Fleet();
        var (cert, key) = pki.Client("fleet");
        using var pem = X509Certificate2.CreateFromPemFile(cert, key);
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(pki.CaPath);
        fleet._client.ApplicationMessageReceivedAsync += e =>
        {
            var topic = e.ApplicationMessage.Topic;
            if (topic.EndsWith("/events", StringComparison.Ordinal))
            {
                var now = Stopwatch.GetTimestamp();
                var envelope = JsonDocument.Parse(e.ApplicationMessage.Payload).RootElement;
                // Only the bench's own events: the host's own (the link's health going down as the broker stops) can
                // reach the broker before the outage and would stretch the span by the host's reconnect time.
                if (envelope.GetProperty("type").GetString() != ProbeType) return Task.CompletedTask;
                Interlocked.CompareExchange(ref fleet._firstEvent, now, 0);
                Interlocked.Exchange(ref fleet._lastEvent, now);
                Interlocked.Increment(ref fleet._events);
                var sequence = envelope.GetProperty("sequence").GetInt64();
                if (sequence <= fleet._lastSequence) Interlocked.Increment(ref fleet._outOfOrder);
                fleet._lastSequence = sequence;
            }
            else if (topic.Contains("/responses/", StringComparison.Ordinal))
            {
                var result = JsonDocument.Parse(e.ApplicationMessage.Payload).RootElement.Clone();
                if (result.TryGetProperty("requestId", out var id) && fleet._pending.TryRemove(id.GetString()!, out var done)) done.TrySetResult(result);
            }
            return Task.CompletedTask;
        };
        await fleet._client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port).WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(!persistent).WithSessionExpiryInterval(persistent ? 3600u : 0u)
            .WithTlsOptions(t => t.UseTls().WithTargetHost("127.0.0.1").WithClientCertificates([certificate]).WithTrustChain(authorities))
            .Build());
        return fleet;
    }

    public Task SubscribeAsync(string filter) =>
        _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public async Task<JsonElement> CommandAsync(string device, string requestId, string command)
    {
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[requestId] = done;
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { requestId, command, deviceId = device });
        await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"appliance/{device}/commands").WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithResponseTopic($"appliance/{device}/responses/bench").WithCorrelationData(Encoding.UTF8.GetBytes(requestId))
            .Build());
        return await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync();
        }
        catch (Exception)
        {
        }
        _client.Dispose();
    }
}
