using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Shared;
using Appliance.Plugins.Webhooks.Protocol;

namespace Appliance.Plugins.Webhooks.Tests;

/// <summary>A site's own receiver with a self-signed certificate, pinned by its SHA-256 fingerprint in the target.</summary>
public sealed class CertificatePinTests
{
    private static readonly string Secret = WebhookSecret.Generate();

    [Theory]
    [InlineData("zz")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefAB")]
    [InlineData("g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void A_fingerprint_that_is_not_sha256_is_refused(string text)
    {
        var pin = CertificatePin.Parse(text);
        Assert.False(pin.IsOk);
        Assert.Contains("64 hex digits", pin.Failure!.Message);
    }

    [Fact]
    public void An_oversized_fingerprint_is_refused_and_blank_means_system_trust()
    {
        Assert.Contains("too long", CertificatePin.Parse(new string('a', 10_000)).Failure!.Message);
        Assert.Null(CertificatePin.Parse("  ").Value);
        Assert.Null(CertificatePin.Parse(null).Value);
        var colons = string.Join(':', Enumerable.Repeat("AB", 32));
        Assert.Equal(string.Concat(Enumerable.Repeat("ab", 32)), CertificatePin.Parse(colons).Value!.Fingerprint);
    }

    [Fact]
    public void A_bad_pin_in_a_target_is_named_with_its_path()
    {
        using var doc = JsonDocument.Parse($$"""[ { "name": "a", "url": "https://x.example/h", "secret": "{{Secret}}", "certificateSha256": "nope" } ]""");
        var result = WebhookTargets.Parse(doc.RootElement);
        Assert.False(result.IsOk);
        Assert.Contains("targets[0].certificateSha256", result.Failure!.Message);
    }

    [Fact]
    public async Task The_pinned_receiver_is_accepted_and_any_other_certificate_refused()
    {
        await using var receiver = await NodeReceiver.StartAsync(Secret, "verify");
        using var doc = JsonDocument.Parse($$"""[ { "name": "site", "url": "{{receiver.Url}}", "secret": "{{Secret}}", "certificateSha256": "{{receiver.CertificateSha256}}" } ]""");
        var (target, pin) = Assert.Single(WebhookTargets.Parse(doc.RootElement).Value);
        var action = new RuleActionRequested("door", "Door", 0, "webhook", "site", new Dictionary<string, string>(), [],
            Guid.NewGuid(), "DigitalInputChanged", DateTimeOffset.UtcNow, null, "io1/in1", null);
        var message = new WebhookMessage(WebhookPayload.MessageId(action), WebhookPayload.Build(action));

        using var pinned = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = pin!.Validation } });
        var accepted = await new WebhookClient(pinned, TimeProvider.System).SendAsync(target, message, default);
        Assert.True(accepted.IsOk, accepted.IsOk ? "" : accepted.Failure!.ToString());
        Assert.True((await receiver.WaitForLinesAsync(1))[0].GetProperty("verified").GetBoolean());

        var other = CertificatePin.Parse(new string('0', 64)).Value!;
        using var wrong = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = other.Validation } });
        var refused = await new WebhookClient(wrong, TimeProvider.System).SendAsync(target, message, default);
        Assert.False(refused.IsOk);
        Assert.Single(receiver.Lines);
    }
}
