using System.Collections.Concurrent;
using System.Security.Authentication;
using Appliance.Abstractions;
using Appliance.CloudLink;
using MQTTnet;
using MQTTnet.Protocol;

namespace Appliance.Tools.Fleetctl;

/// <summary>The fleet tool's connection to the broker, with the fleet's certificate, checked against the fleet CA.</summary>
public sealed class FleetSession : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentDictionary<string, Action<MqttApplicationMessage>> _handlers = new();

    private FleetSession(IMqttClient client, string prefix)
    {
        _client = client;
        Prefix = prefix;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            foreach (var handler in _handlers.Values) handler(e.ApplicationMessage);
            return Task.CompletedTask;
        };
    }

    public string Prefix { get; }

    public static async Task<Result<FleetSession>> ConnectAsync(FleetOptions options, CancellationToken ct)
    {
        var broker = BrokerAddress.Parse(options.Broker);
        if (!broker.TryGetValue(out var address, out var bad)) return bad;
        var tls = TlsMaterial.Load(options.CaFile, options.CertificateFile, options.KeyFile);
        if (!tls.TryGetValue(out var material, out var tlsFailure)) return tlsFailure;
        string? problem = null;
        var mqtt = new MqttClientOptionsBuilder()
            .WithTcpServer(address.Host, address.Port)
            .WithClientId($"fleetctl-{Guid.NewGuid():N}"[..24])
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithTlsOptions(t => t.UseTls().WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13).WithTargetHost(address.Host)
                .WithClientCertificates([material.Client])
                .WithCertificateValidationHandler(e => (problem = material.Check(e.Certificate, e.SslPolicyErrors, DateTimeOffset.UtcNow)) is null))
            .Build();
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            await client.ConnectAsync(mqtt, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            client.Dispose();
            return new Failure("unreachable", $"{address}: {problem ?? ex.Message}");
        }
        return new FleetSession(client, options.Prefix);
    }

    public IDisposable OnMessage(Action<MqttApplicationMessage> handler)
    {
        var key = Guid.NewGuid().ToString("N");
        _handlers[key] = handler;
        return new Removal(() => _handlers.TryRemove(key, out _));
    }

    public Task SubscribeAsync(string filter, CancellationToken ct) =>
        _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);

    public Task PublishAsync(string topic, byte[] payload, string? responseTopic, byte[]? correlation, CancellationToken ct)
    {
        var builder = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithContentType("application/json");
        if (responseTopic is not null) builder.WithResponseTopic(responseTopic);
        if (correlation is not null) builder.WithCorrelationData(correlation);
        return _client.PublishAsync(builder.Build(), ct);
    }

    /// <summary>
    /// The devices whose retained state the broker holds, and whether each is online: read from
    /// <c>{prefix}/+/state</c> until no new one arrived for <paramref name="quiet"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, bool>> ReadStatesAsync(TimeSpan quiet, TimeSpan limit, CancellationToken ct)
    {
        var states = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var last = DateTime.UtcNow;
        using var _ = OnMessage(m =>
        {
            var parts = m.Topic.Split('/');
            if (parts.Length != 3 || parts[0] != Prefix || parts[2] != "state") return;
            states[parts[1]] = System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(m.Payload)).Contains("\"online\"", StringComparison.Ordinal);
            last = DateTime.UtcNow;
        });
        await SubscribeAsync($"{Prefix}/+/state", ct);
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until && DateTime.UtcNow - last < quiet) await Task.Delay(50, ct);
        return states;
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

    private sealed class Removal(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}

/// <summary>How to reach the broker as the fleet.</summary>
public sealed record FleetOptions(string? Broker, string? CaFile, string? CertificateFile, string? KeyFile, string Prefix);
