using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Plugins.Mqtt.Protocol;
using MQTTnet.Protocol;

namespace Appliance.Plugins.Mqtt.Tests;

/// <summary>The publisher against a real mosquitto 2, checked by mosquitto_sub.</summary>
public sealed class PublisherTests
{
    [Fact]
    public async Task Publishes_over_plain_TCP_with_the_configured_QoS()
    {
        await using var broker = await SiteBroker.StartAsync(Brokers.Folder("plain"));
        using var subscriber = await broker.SubscribeAsync("site/#");
        await using var publisher = new MqttPublisher(Brokers.Settings(broker.Port));
        var sent = await publisher.PublishAsync("site/door", Encoding.UTF8.GetBytes("open"), Brokers.NoProperties, default);
        Assert.True(sent.IsOk, sent.ToString());
        await using var exactlyOnce = new MqttPublisher(Brokers.Settings(broker.Port, qos: MqttQualityOfServiceLevel.ExactlyOnce));
        Assert.True((await exactlyOnce.PublishAsync("site/gate", Encoding.UTF8.GetBytes("closed"), Brokers.NoProperties, default)).IsOk);

        var received = await subscriber.WaitForAsync(2);
        Assert.Equal([("site/door", 1, false, "open"), ("site/gate", 2, false, "closed")], received.Select(m => (m.Topic, m.Qos, m.Retained, m.Text)).ToList());
    }

    [Fact]
    public async Task A_retained_message_reaches_a_subscriber_that_comes_later()
    {
        await using var broker = await SiteBroker.StartAsync(Brokers.Folder("retain"));
        await using var publisher = new MqttPublisher(Brokers.Settings(broker.Port, retain: true));
        Assert.True((await publisher.PublishAsync("site/state", Encoding.UTF8.GetBytes("armed"), Brokers.NoProperties, default)).IsOk);

        using var subscriber = await broker.SubscribeAsync("site/state");
        var received = Assert.Single(await subscriber.WaitForAsync(1));
        Assert.True(received.Retained);
        Assert.Equal("armed", received.Text);
    }

    [Fact]
    public async Task Publishes_over_TLS_to_a_broker_whose_self_signed_certificate_is_pinned()
    {
        var folder = Brokers.Folder("tls");
        var certificate = SelfSignedCertificate.Create(folder);
        await using var broker = await SiteBroker.StartAsync(folder, tls: certificate);
        using var subscriber = await broker.SubscribeAsync("site/#");
        await using var publisher = new MqttPublisher(Brokers.Settings(broker.Port, tls: true, pinSha256: certificate.Sha256));

        var sent = await publisher.PublishAsync("site/door", Encoding.UTF8.GetBytes("open"), Brokers.NoProperties, default);

        Assert.True(sent.IsOk, sent.ToString());
        Assert.Equal("open", Assert.Single(await subscriber.WaitForAsync(1)).Text);
    }

    [Fact]
    public async Task Another_certificate_than_the_pinned_one_is_refused()
    {
        var folder = Brokers.Folder("tls-other");
        var presented = SelfSignedCertificate.Create(folder);
        var pinned = SelfSignedCertificate.Create(folder, "expected");
        await using var broker = await SiteBroker.StartAsync(folder, tls: presented);
        await using var publisher = new MqttPublisher(Brokers.Settings(broker.Port, tls: true, pinSha256: pinned.Sha256));

        var sent = await publisher.PublishAsync("site/door", Encoding.UTF8.GetBytes("open"), Brokers.NoProperties, default);

        Assert.Equal("untrusted-broker", sent.Failure!.Code);
        Assert.Contains("pinned", sent.Failure.Message);
    }

    [Fact]
    public async Task Without_a_pin_a_self_signed_certificate_is_not_trusted()
    {
        var folder = Brokers.Folder("tls-unpinned");
        await using var broker = await SiteBroker.StartAsync(folder, tls: SelfSignedCertificate.Create(folder));
        await using var publisher = new MqttPublisher(Brokers.Settings(broker.Port, tls: true));

        var sent = await publisher.PublishAsync("site/door", [1], Brokers.NoProperties, default);

        Assert.Equal("untrusted-broker", sent.Failure!.Code);
        Assert.Contains("not trusted", sent.Failure.Message);
    }

    [Fact]
    public async Task The_right_username_and_password_are_accepted()
    {
        await using var broker = await SiteBroker.StartAsync(Brokers.Folder("auth"), authenticated: true);
        using var subscriber = await broker.SubscribeAsync("site/#");
        await using var publisher = new MqttPublisher(Brokers.Settings(broker.Port, user: SiteBroker.User, password: SiteBroker.Password));

        var sent = await publisher.PublishAsync("site/door", Encoding.UTF8.GetBytes("open"), Brokers.NoProperties, default);

        Assert.True(sent.IsOk, sent.ToString());
        Assert.Equal("site/door", Assert.Single(await subscriber.WaitForAsync(1)).Topic);
    }

    [Theory]
    [InlineData(SiteBroker.User, "wrong")]
    [InlineData(null, null)]
    public async Task A_wrong_or_missing_password_is_refused_as_unauthorized(string? user, string? password)
    {
        await using var broker = await SiteBroker.StartAsync(Brokers.Folder("auth-refused"), authenticated: true);
        await using var publisher = new MqttPublisher(Brokers.Settings(broker.Port, user: user, password: password));

        var sent = await publisher.PublishAsync("site/door", [1], Brokers.NoProperties, default);

        Assert.Equal("unauthorized", sent.Failure!.Code);
        Assert.Contains("refused the connection", sent.Failure.Message);
    }

    [Fact]
    public async Task A_closed_port_is_unreachable()
    {
        await using var publisher = new MqttPublisher(Brokers.Settings(FreePort.Tcp()));

        var sent = await publisher.PublishAsync("site/door", [1], Brokers.NoProperties, default);

        Assert.Equal("unreachable", sent.Failure!.Code);
        Assert.Contains("127.0.0.1", sent.Failure.Message);
    }

    [Fact]
    public async Task A_broker_that_accepts_TCP_and_never_answers_CONNECT_times_out()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            while (true) accepted.Add(await silent.AcceptTcpClientAsync());
        });
        await using var publisher = new MqttPublisher(Brokers.Settings(((IPEndPoint)silent.LocalEndpoint).Port, timeoutSeconds: 1));
        var clock = Stopwatch.StartNew();

        var sent = await publisher.PublishAsync("site/door", [1], Brokers.NoProperties, default);

        Assert.Equal("timeout", sent.Failure!.Code);
        Assert.Contains("CONNACK", sent.Failure.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        silent.Stop();
        foreach (var client in accepted) client.Dispose();
    }
}
