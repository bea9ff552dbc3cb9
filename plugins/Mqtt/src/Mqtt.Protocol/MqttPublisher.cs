using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Appliance.Abstractions;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;

namespace Appliance.Plugins.Mqtt.Protocol;

/// <summary>
/// One MQTT client connection to the site's broker, opened on the first publish and again after it drops. MQTT 5,
/// or 3.1.1 with a broker that refuses 5. A publish returns once the broker acknowledged it (PUBACK at QoS 1,
/// PUBCOMP at QoS 2; written at QoS 0). Expected failures are results, each with a stable code:
/// <c>unreachable</c>, <c>timeout</c> (no CONNACK or acknowledgement within the timeout), <c>untrusted-broker</c>
/// (certificate not accepted), <c>unauthorized</c> (user name or password refused), <c>refused</c> (the broker
/// refused the connection for another reason, or a message for a reason that may pass), <c>rejected</c> (the broker
/// refused this message for good: topic, size, format).
/// </summary>
public sealed class MqttPublisher(BrokerSettings settings) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IMqttClient? _client;
    private bool _mqtt5 = true;

    /// <summary>A failure that repeating will not cure: the message is reported at once instead of retried.</summary>
    public static bool IsDefinite(Failure failure) => failure.Code is "malformed" or "too-large" or "rejected";

    public async Task<Result<bool>> PublishAsync(string topic, byte[] payload, IReadOnlyList<(string Name, string Value)> properties, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var connected = await EnsureConnectedAsync(ct);
            if (!connected.IsOk) return connected;
            return await SendAsync(_client!, topic, payload, properties, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Result<bool>> SendAsync(IMqttClient client, string topic, byte[] payload, IReadOnlyList<(string Name, string Value)> properties, CancellationToken ct)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(settings.Qos)
            .WithRetainFlag(settings.Retain);
        if (_mqtt5)
        {
            foreach (var (name, value) in properties) builder.WithUserProperty(name, System.Text.Encoding.UTF8.GetBytes(value).AsMemory());
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            var result = await client.PublishAsync(builder.Build(), timeout.Token);
            if (result.IsSuccess || result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers) return true;
            var why = $"{settings} refused the message on {topic}: {result.ReasonCode} {result.ReasonString}".TrimEnd();
            return result.ReasonCode is MqttClientPublishReasonCode.TopicNameInvalid or MqttClientPublishReasonCode.PayloadFormatInvalid
                ? Result<bool>.Fail("rejected", why)
                : Result<bool>.Fail("refused", why);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            await DropAsync();
            return timeout.IsCancellationRequested || IsTimeout(ex)
                ? Result<bool>.Fail("timeout", $"{settings} did not acknowledge the message within {settings.Timeout.TotalSeconds:0.#} s")
                : Result<bool>.Fail("unreachable", $"{settings}: the connection dropped while publishing: {Describe(ex)}");
        }
    }

    private async Task<Result<bool>> EnsureConnectedAsync(CancellationToken ct)
    {
        if (_client is { IsConnected: true }) return true;
        await DropAsync();
        var first = await ConnectAsync(MqttProtocolVersion.V500, ct);
        if (first.IsOk || first.Failure!.Code != "unsupported-protocol") return first;
        return await ConnectAsync(MqttProtocolVersion.V311, ct);
    }

    private async Task<Result<bool>> ConnectAsync(MqttProtocolVersion version, CancellationToken ct)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        string? certificateProblem = null;
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(settings.Host, settings.Port)
            .WithClientId(settings.ClientId)
            .WithProtocolVersion(version)
            .WithCleanStart()
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithTimeout(settings.Timeout);
        if (!string.IsNullOrEmpty(settings.Username)) options.WithCredentials(settings.Username, settings.Password ?? "");
        if (settings.Tls)
        {
            options.WithTlsOptions(tls => tls
                .UseTls()
                .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                .WithTargetHost(settings.Host)
                .WithCertificateValidationHandler(e =>
                {
                    var accepted = settings.AcceptCertificate is { } accept ? accept(e.Certificate) : e.SslPolicyErrors == SslPolicyErrors.None;
                    if (!accepted)
                        certificateProblem = settings.AcceptCertificate is null
                            ? $"certificate not trusted ({e.SslPolicyErrors})"
                            : "certificate does not match the pinned SHA-256 fingerprint";
                    return accepted;
                }));
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            var result = await client.ConnectAsync(options.Build(), timeout.Token);
            if (result.ResultCode == MqttClientConnectResultCode.Success)
            {
                _client = client;
                _mqtt5 = version == MqttProtocolVersion.V500;
                return true;
            }
            client.Dispose();
            return Refusal(result.ResultCode, result.ReasonString, version);
        }
        catch (MqttConnectingFailedException ex) when (!ct.IsCancellationRequested && certificateProblem is null && !IsTimeout(ex) && CodeIn(ex.Message) is { } code)
        {
            client.Dispose();
            return Refusal(code, null, version);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            client.Dispose();
            if (certificateProblem is not null) return Result<bool>.Fail("untrusted-broker", $"{settings}: {certificateProblem}");
            if (timeout.IsCancellationRequested || IsTimeout(ex))
                return Result<bool>.Fail("timeout", $"{settings} did not complete the MQTT connection (CONNACK) within {settings.Timeout.TotalSeconds:0.#} s");
            return Result<bool>.Fail("unreachable", $"{settings}: {Describe(ex)}");
        }
    }

    private Result<bool> Refusal(MqttClientConnectResultCode code, string? reason, MqttProtocolVersion version)
    {
        // A 3.1.1-only broker answers an MQTT 5 CONNECT with its own return code 1 ("unacceptable protocol version").
        if (code is MqttClientConnectResultCode.UnsupportedProtocolVersion or (MqttClientConnectResultCode)1)
            return Result<bool>.Fail("unsupported-protocol", $"{settings} does not speak MQTT {version}");
        var why = $"{settings} refused the connection: {code}";
        return code is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized
            ? Result<bool>.Fail("unauthorized", $"{why} (check username and password)")
            : Result<bool>.Fail("refused", $"{why} {reason}".TrimEnd());
    }

    /// <summary>MQTTnet 5 reports a refused CONNECT as an exception whose message names the CONNACK code ("Connecting failed: NotAuthorized").</summary>
    private static MqttClientConnectResultCode? CodeIn(string message) =>
        Enum.GetValues<MqttClientConnectResultCode>()
            .Where(c => c != MqttClientConnectResultCode.Success && message.Contains(c.ToString(), StringComparison.Ordinal))
            .Select(c => (MqttClientConnectResultCode?)c)
            .FirstOrDefault();

    private static bool IsTimeout(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is MqttCommunicationTimedOutException or TimeoutException or OperationCanceledException) return true;
        return false;
    }

    private async Task DropAsync()
    {
        var client = _client;
        _client = null;
        if (client is null) return;
        try
        {
            if (client.IsConnected)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), quick.Token);
            }
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or SocketException or InvalidOperationException)
        {
            // already gone
        }
        finally
        {
            client.Dispose();
        }
    }

    private static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return inner == ex ? ex.Message : $"{ex.Message} ({inner.Message})";
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await DropAsync();
        }
        finally
        {
            _gate.Release();
        }
    }
}
