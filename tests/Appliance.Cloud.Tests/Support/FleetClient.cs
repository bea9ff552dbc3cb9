using System.Collections.Concurrent;
using System.Text;
using Appliance.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Appliance.Cloud.Tests.Support;

/// <summary>The fleet side in tests: an MQTTnet client with the fleet's certificate (user <c>fleet</c>), collecting what it receives.</summary>
public sealed class FleetClient : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;

    private FleetClient(IMqttClient client, MqttClientOptions options)
    {
        _client = client;
        _options = options;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Received.Enqueue(e.ApplicationMessage);
            return Task.CompletedTask;
        };
    }

    public ConcurrentQueue<MqttApplicationMessage> Received { get; } = new();

    /// <summary>Connects as <c>fleet</c>; a persistent session (clean start off) keeps QoS 1 messages queued while it is away.</summary>
    public static async Task<FleetClient> ConnectAsync(TestPki pki, int port, string clientId = "fleet-worker", bool persistent = false, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var (cert, key) = pki.Client("fleet");
        using var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(cert, key);
        var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(pem.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
        var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        authorities.ImportFromPemFile(pki.CaPath);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithProtocolVersion(version)
            .WithCleanStart(!persistent)
            .WithSessionExpiryInterval(persistent && version == MqttProtocolVersion.V500 ? 3600u : 0u)
            .WithTlsOptions(t => t.UseTls().WithTargetHost("127.0.0.1").WithClientCertificates([certificate]).WithTrustChain(authorities))
            .Build();
        var client = new MqttClientFactory().CreateMqttClient();
        var fleet = new FleetClient(client, options);
        await client.ConnectAsync(options);
        return fleet;
    }

    public Task ReconnectAsync() => _client.ConnectAsync(_options);

    public bool IsConnected => _client.IsConnected;

    public Task SubscribeAsync(string topic) =>
        _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public Task PublishAsync(string topic, string payload, string? responseTopic = null, byte[]? correlation = null)
    {
        var builder = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (responseTopic is not null) builder.WithResponseTopic(responseTopic);
        if (correlation is not null) builder.WithCorrelationData(correlation);
        return _client.PublishAsync(builder.Build());
    }

    public Task PublishAsync(string topic, byte[] payload) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    /// <summary>Waits for the first received message on <paramref name="topic"/> that matches, removing nothing.</summary>
    public async Task<MqttApplicationMessage> WaitForAsync(string topic, Func<string, bool> match, TimeSpan timeout)
    {
        return (await Eventually.ValueAsync(() => Task.FromResult(Received.FirstOrDefault(m => m.Topic == topic && match(Text(m)))), found => found is not null,
            $"a message on {topic} that matches", timeout, () => $"received: {string.Join(" | ", Received.Select(m => m.Topic + " " + Text(m)))}", TimeSpan.FromMilliseconds(50)))!;
    }

    public static string Text(MqttApplicationMessage message) => Encoding.UTF8.GetString(message.Payload);

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
