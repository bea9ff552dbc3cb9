using System.Security.Authentication;
using System.Text;
using Appliance.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Appliance.CloudLink;

/// <summary>
/// The appliance's one outbound MQTT connection. Tries the brokers in turn (MQTT 5, falling back to 3.1.1 on a
/// broker that refuses 5), over TLS 1.2+ checked against the fleet CA with the device certificate; on connecting it
/// publishes the retained birth and subscribes to its command topic; the broker publishes the retained last will
/// (<c>offline</c>) when the link dies. Reconnects with capped backoff and jitter.
/// </summary>
public sealed class CloudConnection : IAsyncDisposable
{
    public const string Online = """{"state":"online"}""";
    public const string Offline = """{"state":"offline"}""";

    private readonly CloudLinkSettings _settings;
    private readonly TimeProvider _time;
    private readonly Func<IncomingCommand, CancellationToken, Task> _onCommand;
    private readonly Action<LinkStatus> _onStatus;
    private readonly Backoff _backoff;
    private readonly IMqttClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _disconnected = new(0, 1);
    private Task _loop = Task.CompletedTask;
    private volatile string? _tlsProblem;
    private volatile bool _mqtt5 = true;
    private volatile bool _abandoning;
    private volatile LinkStatus _status;

    public CloudConnection(CloudLinkSettings settings, TimeProvider time, Random random,
        Func<IncomingCommand, CancellationToken, Task> onCommand, Action<LinkStatus> onStatus)
    {
        _settings = settings;
        _time = time;
        _onCommand = onCommand;
        _onStatus = onStatus;
        _backoff = new Backoff(settings.InitialBackoff, settings.MaxBackoff, random);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _status = new LinkStatus(false, null, null, "not connected yet", time.GetUtcNow());
    }

    public LinkStatus Status => _status;

    /// <summary>Connected, subscribed to commands and the birth published: ready to carry events.</summary>
    public bool IsConnected => _status.Connected && _client.IsConnected;

    public Topics Topics => _settings.Topics;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>
    /// Publishes at QoS 1 and returns once the broker acknowledged it; <c>offline</c> when there is no connection,
    /// <c>refused</c> when the broker answered with an error (e.g. an ACL that does not allow the topic).
    /// </summary>
    public async Task<Result<bool>> PublishAsync(string topic, byte[] payload, bool retain, CancellationToken ct,
        string? responseTopic = null, byte[]? correlationData = null)
    {
        if (!_client.IsConnected) return new Failure("offline", "the cloud link is not connected");
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain);
        if (_mqtt5)
        {
            // Properties exist in MQTT 5 only; on 3.1.1 the payload's requestId is the correlation.
            builder.WithContentType("application/json");
            if (responseTopic is not null) builder.WithResponseTopic(responseTopic);
            if (correlationData is not null) builder.WithCorrelationData(correlationData);
        }
        try
        {
            var result = await _client.PublishAsync(builder.Build(), ct);
            // A broker that grants no subscriber answers NoMatchingSubscribers: delivered as far as MQTT is concerned.
            return result.IsSuccess || result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers
                ? true
                : new Failure("refused", $"the broker refused {topic}: {result.ReasonCode} {result.ReasonString}");
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new Failure("offline", $"the cloud link dropped while publishing: {ex.Message}");
        }
    }

    /// <summary>Sends a command's result to its response topic (MQTT 5) or to the device's response topic, with its correlation data.</summary>
    /// <remarks>
    /// A response topic must lie under the device's own <c>responses</c> topic (e.g. <c>appliance/dev-1/responses/worker-3</c>),
    /// where the broker's ACL lets the device publish; any other is ignored and the default response topic used.
    /// </remarks>
    public Task<Result<bool>> RespondAsync(IncomingCommand command, CommandResult result, CancellationToken ct) =>
        PublishAsync(ResponseTopicFor(command.ResponseTopic), result.ToJson(), retain: false, ct, correlationData: command.CorrelationData);

    internal string ResponseTopicFor(string? requested)
    {
        var own = _settings.Topics.Responses;
        if (requested is null || requested.Length > 256) return own;
        if (requested == own) return own;
        return requested.StartsWith(own + "/", StringComparison.Ordinal) && !requested.Contains('+', StringComparison.Ordinal) && !requested.Contains('#', StringComparison.Ordinal)
            ? requested
            : own;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var connected = false;
            foreach (var broker in _settings.Brokers)
            {
                if (ct.IsCancellationRequested) return;
                var outcome = await TryConnectAsync(broker, ct);
                if (outcome.IsOk)
                {
                    connected = true;
                    _backoff.Reset();
                    Report(new LinkStatus(true, broker, outcome.Value, null, _time.GetUtcNow()));
                    await WaitUntilDisconnectedAsync(ct);
                    break;
                }
                Report(new LinkStatus(false, broker, null, outcome.Failure!.Message, _time.GetUtcNow()));
            }
            if (ct.IsCancellationRequested) return;
            if (!connected || !_client.IsConnected)
            {
                try
                {
                    await Task.Delay(_backoff.Next(), _time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<Result<string>> TryConnectAsync(BrokerAddress broker, CancellationToken ct)
    {
        var first = await ConnectWithAsync(broker, MqttProtocolVersion.V500, ct);
        if (first.IsOk || first.Failure!.Code != "unsupported-protocol") return first;
        return await ConnectWithAsync(broker, MqttProtocolVersion.V311, ct);
    }

    private async Task<Result<string>> ConnectWithAsync(BrokerAddress broker, MqttProtocolVersion version, CancellationToken ct)
    {
        _tlsProblem = null;
        _mqtt5 = version == MqttProtocolVersion.V500;
        var server = new MqttClientOptionsBuilder();
        server = broker.IsWebSocket
            ? server.WithWebSocketServer(ws =>
            {
                ws.WithUri(broker.ToString()).WithSubProtocols(["mqtt"]);
                if (_settings.Proxy is { } proxy) ws.WithProxyOptions(p => p.WithAddress(proxy.ToString()));
            })
            : server.WithTcpServer(broker.Host, broker.Port);
        var options = server
            .WithClientId(_settings.DeviceId)
            .WithProtocolVersion(version)
            .WithKeepAlivePeriod(_settings.KeepAlive)
            .WithTimeout(_settings.ConnectTimeout)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(version == MqttProtocolVersion.V500 ? 24 * 3600u : 0u)
            .WithWillTopic(_settings.Topics.State)
            .WithWillPayload(Encoding.UTF8.GetBytes(Offline))
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTlsOptions(tls => tls
                .UseTls()
                .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                .WithTargetHost(broker.Host)
                .WithClientCertificates([_settings.Tls.Client])
                .WithCertificateValidationHandler(e =>
                {
                    var problem = _settings.Tls.Check(e.Certificate, e.SslPolicyErrors, _time.GetUtcNow());
                    _tlsProblem = problem;
                    return problem is null;
                }))
            .Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_settings.ConnectTimeout);
        try
        {
            var result = await _client.ConnectAsync(options, timeout.Token);
            // A 3.1.1-only broker answers an MQTT 5 CONNECT with its own return code 1 ("unacceptable protocol version").
            if (result.ResultCode is MqttClientConnectResultCode.UnsupportedProtocolVersion or (MqttClientConnectResultCode)1)
                return new Failure("unsupported-protocol", $"{broker} does not speak {version}");
            if (result.ResultCode != MqttClientConnectResultCode.Success)
                return new Failure("refused", $"{broker} refused the connection: {result.ResultCode} {result.ReasonString}");
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(_settings.Topics.Commands, MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), timeout.Token);
            var birth = await PublishAsync(_settings.Topics.State, Encoding.UTF8.GetBytes(Online), retain: true, timeout.Token);
            if (!birth.IsOk)
            {
                await DisconnectQuietlyAsync();
                return new Failure(birth.Failure!.Code, $"{broker}: the birth message was not accepted: {birth.Failure.Message}");
            }
            return version == MqttProtocolVersion.V500 ? "MQTT 5" : "MQTT 3.1.1";
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException ex) when (ex.Message.Contains(nameof(MqttClientConnectResultCode.UnsupportedProtocolVersion), StringComparison.Ordinal))
        {
            return new Failure("unsupported-protocol", $"{broker} does not speak {version}");
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException ex) when (_tlsProblem is null)
        {
            return new Failure("refused", $"{broker} refused the connection: {ex.Message}");
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            await DisconnectQuietlyAsync();
            var tls = _tlsProblem;
            return tls is not null
                ? new Failure("untrusted-broker", $"{broker}: {tls}")
                : new Failure("unreachable", $"{broker}: {Describe(ex)}");
        }
    }

    private static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return inner == ex ? ex.Message : $"{ex.Message} ({inner.Message})";
    }

    private async Task WaitUntilDisconnectedAsync(CancellationToken ct)
    {
        while (_disconnected.CurrentCount > 0) await _disconnected.WaitAsync(ct);
        while (_client.IsConnected && !ct.IsCancellationRequested)
        {
            try
            {
                await _disconnected.WaitAsync(TimeSpan.FromSeconds(5), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        // An attempt this class gave up on itself reports its own reason, not "disconnected".
        if (e.ClientWasConnected && !_abandoning)
            Report(new LinkStatus(false, _status.Broker, null, $"disconnected: {e.Reason} {e.ReasonString ?? e.Exception?.Message}".TrimEnd(), _time.GetUtcNow()));
        try
        {
            if (_disconnected.CurrentCount == 0) _disconnected.Release();
        }
        catch (SemaphoreFullException)
        {
        }
        return Task.CompletedTask;
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (!string.Equals(message.Topic, _settings.Topics.Commands, StringComparison.Ordinal)) return;
        var payload = message.Payload.Length > _settings.MaxCommandBytes
            ? new byte[_settings.MaxCommandBytes + 1] // only its size matters: the parser refuses it unread
            : System.Buffers.BuffersExtensions.ToArray(message.Payload);
        var incoming = new IncomingCommand(payload, message.ResponseTopic, message.CorrelationData);
        await _onCommand(incoming, _stop.Token);
    }

    private void Report(LinkStatus status)
    {
        _status = status;
        _onStatus(status);
    }

    private async Task DisconnectQuietlyAsync()
    {
        _abandoning = true;
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }
        catch (Exception)
        {
            // already gone
        }
        finally
        {
            _abandoning = false;
        }
    }

    /// <summary>Leaves cleanly: publishes the retained offline state first, so a planned stop looks like the last will.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_client.IsConnected)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await PublishAsync(_settings.Topics.State, Encoding.UTF8.GetBytes(Offline), retain: true, timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }
            await DisconnectQuietlyAsync();
        }
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // stopping
        }
        _client.Dispose();
        _stop.Dispose();
    }
}
