using Appliance.Plugins.Sms.Protocol;

namespace Appliance.Plugins.Sms.Tests;

/// <summary>The client against the gateway peer (Twilio's documented wire format, see <see cref="SmsGatewayPeer"/>).</summary>
public sealed class SmsClientTests
{
    private static SmsGateway Gateway(int port, string token = SmsGatewayPeer.AuthToken) =>
        SmsGateway.Create("127.0.0.1", port, "/2010-04-01/Accounts/{accountSid}/Messages.json", SmsGatewayPeer.AccountSid, token, "+15555550199", TimeSpan.FromSeconds(5)).Value;

    private static HttpClient Pinned(SmsGatewayPeer peer)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.GetRawCertData())) == peer.CertificateSha256;
        return new HttpClient(handler);
    }

    [Fact]
    public async Task A_message_is_posted_as_the_documented_form_and_the_gateway_id_comes_back()
    {
        await using var peer = await SmsGatewayPeer.StartAsync();
        using var http = Pinned(peer);
        var message = SmsMessage.Create("+15555550100", "Door opened\nat the back").Value;
        var sent = await new SmsClient(http).SendAsync(Gateway(peer.Port), message, default);
        Assert.True(sent.IsOk, sent.Failure?.ToString());
        Assert.Matches("^SM[0-9a-f]{32}$", sent.Value);
        Assert.Equal(("+15555550100", "+15555550199", "Door opened\nat the back"), Assert.Single(peer.Accepted));
    }

    [Fact]
    public async Task Refused_credentials_an_invalid_number_and_an_outage_have_their_own_codes()
    {
        await using var peer = await SmsGatewayPeer.StartAsync();
        using var http = Pinned(peer);
        var client = new SmsClient(http);
        var message = SmsMessage.Create("+15555550100", "x").Value;

        var auth = await client.SendAsync(Gateway(peer.Port, "wrong"), message, default);
        Assert.Equal("auth", auth.Failure!.Code);
        Assert.Contains("20003", auth.Failure.Message);

        // Past our own check (a number the gateway refuses although it looks valid to us): its code is kept.
        var rejected = await client.SendAsync(Gateway(peer.Port), new SmsMessage("12345", "x"), default);
        Assert.Equal("rejected", rejected.Failure!.Code);
        Assert.Contains("21211", rejected.Failure.Message);

        peer.FailNext(1);
        var unavailable = await client.SendAsync(Gateway(peer.Port), message, default);
        Assert.Equal("unavailable", unavailable.Failure!.Code);
        Assert.Empty(peer.Accepted);
        Assert.Equal([20003, 21211], peer.Refused);
    }

    [Fact]
    public async Task An_untrusted_certificate_a_closed_port_and_a_non_json_answer_are_clear_errors()
    {
        await using var peer = await SmsGatewayPeer.StartAsync();
        var message = SmsMessage.Create("+15555550100", "x").Value;
        using (var systemTrust = new HttpClient())
        {
            var untrusted = await new SmsClient(systemTrust).SendAsync(Gateway(peer.Port), message, default);
            Assert.Equal("transport", untrusted.Failure!.Code);
            var closed = await new SmsClient(systemTrust).SendAsync(Gateway(FreePort.Tcp()), message, default);
            Assert.Equal("transport", closed.Failure!.Code);
        }
        using var http = Pinned(peer);
        peer.AnswerGarbage = true;
        var garbage = await new SmsClient(http).SendAsync(Gateway(peer.Port), message, default);
        Assert.Equal("answer", garbage.Failure!.Code);
    }

    [Theory]
    [InlineData("0170 1234567")]
    [InlineData("+0123456789")]
    [InlineData("+1")]
    [InlineData("+1234567890123456")]
    [InlineData("")]
    public void Numbers_that_are_not_E164_are_refused_before_sending(string to)
    {
        var message = SmsMessage.Create(to, "x");
        Assert.Equal("malformed", message.Failure!.Code);
        Assert.StartsWith("to:", message.Failure.Message);
    }

    [Fact]
    public void Bodies_lose_control_characters_are_cut_at_the_limit_and_may_not_be_empty()
    {
        Assert.Equal("malformed", SmsMessage.Create("+15555550100", " \u0007\u001b ").Failure!.Code);
        Assert.Equal("a\nbc", SmsMessage.Create("+15555550100", "a\n\u001bb\u0000c").Value.Body);
        var cut = SmsMessage.Create("+15555550100", new string('x', 5000)).Value.Body;
        Assert.Equal(SmsMessage.MaxBodyChars, cut.Length);
        Assert.EndsWith("…", cut);
    }

    [Theory]
    [InlineData("", "AC1", "t", "+15555550199", "/p", "host")]
    [InlineData("gw", "", "t", "+15555550199", "/p", "accountSid")]
    [InlineData("gw", "AC1", "t", "not a sender!", "/p", "from")]
    [InlineData("gw", "AC1", "t", "+15555550199", "p", "path")]
    public void A_bad_gateway_setting_is_named(string host, string account, string token, string from, string path, string fragment)
    {
        var gateway = SmsGateway.Create(host, 443, path, account, token, from, TimeSpan.FromSeconds(1));
        Assert.Equal("config", gateway.Failure!.Code);
        Assert.Contains(fragment, gateway.Failure.Message);
    }
}
