using Appliance.Plugins.Rtsp.Protocol.Auth;
using Appliance.Plugins.Rtsp.Protocol.Server;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>Bad input to the server's parsers: request targets, Transport headers, Digest credentials.</summary>
public sealed class ServerRequestTests
{
    [Theory]
    [InlineData("rtsp://10.0.0.1:554/camera/lobby", "camera/lobby", null)]
    [InlineData("rtsp://10.0.0.1/camera/lobby/trackID=1", "camera/lobby", 1)]
    [InlineData("/camera/a%20b/", "camera/a b", null)]
    [InlineData("rtsp://[::1]:8654/camera/x?foo=1", "camera/x", null)]
    public void Request_targets_name_a_stream_and_a_track(string uri, string stream, int? track)
    {
        var target = RtspRequestTarget.Parse(uri);
        Assert.True(target.IsOk, target.Failure?.Message);
        Assert.Equal(stream, target.Value.StreamName);
        Assert.Equal(track, target.Value.Track);
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("http://host/camera/x")]
    [InlineData("rtsp://host/")]
    [InlineData("rtsp://host/trackID=1")]
    [InlineData("rtsp://host/camera/x/trackID=999")]
    [InlineData("rtsp://host/camera/%00x")]
    public void Bad_request_targets_fail_with_a_reason(string uri)
    {
        var target = RtspRequestTarget.Parse(uri);
        Assert.False(target.IsOk);
        Assert.False(string.IsNullOrEmpty(target.Failure!.Message));
    }

    [Fact]
    public void A_64_KB_uri_is_refused()
    {
        Assert.False(RtspRequestTarget.Parse("rtsp://h/" + new string('a', 65536)).IsOk);
    }

    [Theory]
    [InlineData("RTP/AVP/TCP;unicast;interleaved=0-1", true, true)]
    [InlineData("RTP/AVP;multicast, RTP/AVP;unicast;client_port=5000-5001", true, false)]
    [InlineData("RTP/AVP;unicast;client_port=5000-5001", true, false)]
    public void Supported_transports_are_chosen(string header, bool ok, bool tcp)
    {
        var chosen = RtspServerTransport.Choose(header, allowUdp: true);
        Assert.Equal(ok, chosen.IsOk);
        Assert.Equal(tcp, chosen.Value.Tcp);
    }

    [Theory]
    [InlineData(null, "malformed")]
    [InlineData("RTP/AVP;multicast", "unsupported")]
    [InlineData("RTP/AVP;unicast", "unsupported")]
    [InlineData("RTP/SAVPF;unicast", "unsupported")]
    [InlineData("RTP/AVP;unicast;client_port=0-1", "unsupported")]
    [InlineData("RTP/AVP/TCP;interleaved=a-b", "unsupported")]
    public void Unsupported_or_malformed_transports_fail(string? header, string code)
    {
        var chosen = RtspServerTransport.Choose(header, allowUdp: true);
        Assert.False(chosen.IsOk);
        Assert.Equal(code, chosen.Failure!.Code);
    }

    [Fact]
    public void Digest_credentials_from_the_ingest_client_verify_and_a_wrong_password_does_not()
    {
        var client = new RtspAuthenticator("viewer", "s3cret", () => "0a4f113b");
        var authenticator = new RtspServerAuthenticator(null, "appliance", false, TimeSpan.FromMinutes(5), TimeProvider.System);
        client.Accept([$"Digest realm=\"appliance\", nonce=\"{authenticator.NewNonce()}\", algorithm=MD5"]);
        var header = client.Authorize("DESCRIBE", "rtsp://h/camera/x")!;
        var credentials = RtspDigestCredentials.Parse(RtspAuthChallenge.Parse(header).Value!);
        Assert.True(credentials.IsOk);
        Assert.True(credentials.Value.Matches("s3cret", "DESCRIBE"));
        Assert.False(credentials.Value.Matches("wrong", "DESCRIBE"));
        Assert.False(credentials.Value.Matches("s3cret", "PLAY"));
    }

    [Theory]
    [InlineData("Digest username=\"a\"")]
    [InlineData("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", algorithm=SHA-512")]
    [InlineData("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", qop=auth")]
    public void Incomplete_or_unsupported_digest_credentials_fail(string header)
    {
        var parsed = RtspAuthChallenge.Parse(header);
        Assert.True(parsed.IsOk);
        Assert.False(RtspDigestCredentials.Parse(parsed.Value!).IsOk);
    }
}
