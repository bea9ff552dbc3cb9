using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Appliance.Plugins.Email.Protocol;
using Appliance.Plugins.Shared;
using MimeKit;

namespace Appliance.Plugins.Email.Tests;

/// <summary>MailKit against Debian's aiosmtpd: plain, STARTTLS and implicit TLS, auth, the snapshot attachment, failures.</summary>
public sealed class SmtpSenderTests
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0xFF, 0xD9];

    private static SmtpSender Trusting(SmtpPeer peer)
    {
        var expected = X509CertificateLoader.LoadCertificateFromFile(peer.CertificatePath).GetCertHashString();
        return new SmtpSender((_, cert, _, _) => cert is not null && cert.GetCertHashString() == expected);
    }

    private static SmtpSettings Settings(SmtpPeer peer, SmtpSecurity security, string? user = "user", string? password = "secret") =>
        new("127.0.0.1", peer.Port, security, "appliance@site.example", user, password, TimeSpan.FromSeconds(30));

    private static EmailMessage Message(params EmailAttachment[] attachments) =>
        new(["guard@site.example", "Night Desk <desk@site.example>"], "Motion in the lobby", "Rule lobby-motion fired at 10:20:30.\nCamera: lobby", attachments);

    [Theory]
    [InlineData("plain", SmtpSecurity.None)]
    [InlineData("starttls", SmtpSecurity.StartTls)]
    [InlineData("tls", SmtpSecurity.Tls)]
    public async Task A_message_with_the_snapshot_arrives_over_each_transport(string mode, SmtpSecurity security)
    {
        await using var peer = await SmtpPeer.StartAsync(mode, authRequired: true);
        var result = await Trusting(peer).SendAsync(Settings(peer, security), Message(new EmailAttachment("snapshot.jpg", "image/jpeg", Jpeg)), default);
        Assert.True(result.IsOk, result.ToString());
        var (eml, envelope) = (await peer.WaitForAsync(1)).Single();
        using var env = JsonDocument.Parse(envelope);
        Assert.Equal("appliance@site.example", env.RootElement.GetProperty("from").GetString());
        Assert.Equal(["guard@site.example", "desk@site.example"], env.RootElement.GetProperty("to").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("user", env.RootElement.GetProperty("user").GetString());
        Assert.Equal(security != SmtpSecurity.None, env.RootElement.GetProperty("tls").GetBoolean());
        var parsed = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(eml)));
        Assert.Equal("Motion in the lobby", parsed.Subject);
        Assert.Contains("Camera: lobby", parsed.TextBody ?? "");
        var attachment = (MimePart)parsed.Attachments.Single();
        Assert.Equal("snapshot.jpg", attachment.FileName);
        Assert.Equal("image/jpeg", attachment.ContentType.MimeType);
        using var content = new MemoryStream();
        attachment.Content!.DecodeTo(content);
        Assert.Equal(Jpeg, content.ToArray());
    }

    [Fact]
    public async Task Wrong_credentials_and_missing_auth_are_auth_failures()
    {
        await using var peer = await SmtpPeer.StartAsync("starttls", authRequired: true);
        var wrong = await Trusting(peer).SendAsync(Settings(peer, SmtpSecurity.StartTls, password: "nope"), Message(), default);
        Assert.Equal("auth", wrong.Failure!.Code);
        var none = await Trusting(peer).SendAsync(Settings(peer, SmtpSecurity.StartTls, user: null, password: null), Message(), default);
        Assert.Equal("auth", none.Failure!.Code);
        Assert.Empty(await peer.WaitForAsync(0));
    }

    [Fact]
    public async Task An_untrusted_certificate_and_a_closed_port_give_clear_errors()
    {
        await using var peer = await SmtpPeer.StartAsync("tls");
        var untrusted = await new SmtpSender().SendAsync(Settings(peer, SmtpSecurity.Tls), Message(), default);
        Assert.Equal("tls", untrusted.Failure!.Code);
        int closedPort;
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0)) { l.Start(); closedPort = ((System.Net.IPEndPoint)l.LocalEndpoint).Port; }
        var closed = await new SmtpSender().SendAsync(Settings(peer, SmtpSecurity.None) with { Port = closedPort }, Message(), default);
        Assert.Equal("transport", closed.Failure!.Code);
    }

    [Fact]
    public async Task A_server_that_accepts_and_never_greets_times_out()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var settings = new SmtpSettings("127.0.0.1", port, SmtpSecurity.None, "a@b.example", null, null, TimeSpan.FromSeconds(1));
        var result = await new SmtpSender().SendAsync(settings, Message(), default);
        Assert.Equal("timeout", result.Failure!.Code);
    }

    [Theory]
    [InlineData("not an address", "guard@site.example", "from:")]
    [InlineData("a@b.example", "nobody", "to:")]
    public void Bad_addresses_are_refused_before_connecting(string from, string to, string fragment)
    {
        var settings = new SmtpSettings("127.0.0.1", 25, SmtpSecurity.None, from, null, null, TimeSpan.FromSeconds(1));
        var built = SmtpSender.Build(settings, new EmailMessage([to], "s", "b", []));
        Assert.Equal("malformed", built.Failure!.Code);
        Assert.StartsWith(fragment, built.Failure.Message);
    }

    [Fact]
    public void An_oversized_attachment_is_refused()
    {
        var settings = new SmtpSettings("127.0.0.1", 25, SmtpSecurity.None, "a@b.example", null, null, TimeSpan.FromSeconds(1));
        var built = SmtpSender.Build(settings, new EmailMessage(["c@d.example"], "s", "b", [new EmailAttachment("x.jpg", "image/jpeg", new byte[SmtpSender.MaxAttachmentBytes + 1])]));
        Assert.Equal("too-large", built.Failure!.Code);
    }

    [Fact]
    public void The_rate_limit_is_per_rule_and_slides()
    {
        var limit = new RuleRateLimit(2, TimeSpan.FromMinutes(1));
        var t = DateTimeOffset.UnixEpoch;
        Assert.True(limit.TryAcquire("a", t));
        Assert.True(limit.TryAcquire("a", t.AddSeconds(10)));
        Assert.False(limit.TryAcquire("a", t.AddSeconds(20)));
        Assert.True(limit.TryAcquire("b", t.AddSeconds(20)));
        Assert.True(limit.TryAcquire("a", t.AddSeconds(60)));
        Assert.False(limit.TryAcquire("a", t.AddSeconds(65)));
    }
}
