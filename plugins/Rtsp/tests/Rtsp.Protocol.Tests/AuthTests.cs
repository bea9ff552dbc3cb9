using Appliance.Plugins.Rtsp.Protocol.Auth;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

public sealed class AuthTests
{
    [Fact]
    public void Rfc2617DigestExampleGivesTheDocumentedResponse()
    {
        // RFC 2617 §3.5.
        var auth = new RtspAuthenticator("Mufasa", "Circle Of Life", () => "0a4f113b");
        Assert.Null(auth.Accept(["Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""]));
        var header = auth.Authorize("GET", "/dir/index.html")!;
        Assert.Contains("response=\"6629fae49393a05397450978507c4ef1\"", header);
        Assert.Contains("nc=00000001", header);
        Assert.Contains("qop=auth", header);
        Assert.Contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"", header);
        Assert.Contains("nc=00000002", auth.Authorize("GET", "/dir/index.html"));
    }

    [Fact]
    public void Rfc7616Md5ExampleGivesTheDocumentedResponse()
    {
        // RFC 7616 §3.9.1 (MD5).
        var auth = new RtspAuthenticator("Mufasa", "Circle of Life", () => "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Assert.Null(auth.Accept(["Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""]));
        Assert.Contains("response=\"8ca523f5e9506fed4657c9700eebdbec\"", auth.Authorize("GET", "/dir/index.html"));
    }

    [Fact]
    public void RfcLessServersWithoutQopGetTheRfc2069Response()
    {
        // GStreamer's challenge: realm and nonce only.
        var auth = new RtspAuthenticator("admin", "secret");
        Assert.Null(auth.Accept(["Digest realm=\"GStreamer RTSP Server\", nonce=\"83dae02ef65fad35\""]));
        var header = auth.Authorize("DESCRIBE", "rtsp://127.0.0.1:8554/cam")!;
        var ha1 = RtspAuthenticator.Md5Hex("admin:GStreamer RTSP Server:secret");
        var ha2 = RtspAuthenticator.Md5Hex("DESCRIBE:rtsp://127.0.0.1:8554/cam");
        Assert.Contains($"response=\"{RtspAuthenticator.Md5Hex($"{ha1}:83dae02ef65fad35:{ha2}")}\"", header);
        Assert.DoesNotContain("qop", header);
    }

    [Fact]
    public void PrefersDigestOverBasicAndFallsBackToBasic()
    {
        var both = new RtspAuthenticator("u", "p");
        Assert.Null(both.Accept(["Basic realm=\"x\"", "Digest realm=\"x\", nonce=\"n\""]));
        Assert.StartsWith("Digest ", both.Authorize("OPTIONS", "rtsp://c/"));
        var basic = new RtspAuthenticator("Aladdin", "open sesame");
        Assert.Null(basic.Accept(["Basic realm=\"WallyWorld\""]));
        Assert.Equal("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", basic.Authorize("OPTIONS", "rtsp://c/"));
    }

    [Fact]
    public void UnusableChallengesGiveAClearError()
    {
        var auth = new RtspAuthenticator("u", "p");
        Assert.Contains("unsupported challenge 'Digest' algorithm=SHA-512-256", auth.Accept(["Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256"]));
        Assert.Contains("without a WWW-Authenticate", auth.Accept([]));
        Assert.Contains("unsupported challenge 'Bearer'", auth.Accept(["Bearer realm=\"x\""]));
        Assert.Contains("unsupported challenge", auth.Accept(["Digest realm=\"x\", nonce=\"n\", qop=\"auth-int\""]));
        Assert.Null(auth.Authorize("OPTIONS", "rtsp://c/"));
    }

    /// <summary>RFC 7616 section 3.9.1 (MD5 and SHA-256): the same vectors the ONVIF library's Digest is held to, as both use the shared DigestHash.</summary>
    [Theory]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void DigestResponsesMatchRfc7616Examples(string algorithm, string expected)
    {
        var auth = new RtspAuthenticator("Mufasa", "Circle of Life", () => "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Assert.Null(auth.Accept([$"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm={algorithm}, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""]));
        var header = auth.Authorize("GET", "/dir/index.html");
        Assert.Contains($"response=\"{expected}\"", header);
        Assert.Contains("nc=00000001", header);
        Assert.Contains($"algorithm={algorithm}", header);
    }

    [Theory]
    [InlineData("Digest realm=\"unterminated", "unterminated quoted value")]
    [InlineData("Digest realm", "has no value")]
    [InlineData("Di/gest realm=x", "malformed authentication scheme")]
    [InlineData("", "empty WWW-Authenticate")]
    public void MalformedChallengesAreRejected(string header, string error) =>
        Assert.Contains(error, RtspAuthChallenge.Parse(header).Failure?.Message);

    [Fact]
    public void QuotedValuesMayHoldCommasAndEscapes()
    {
        var c = RtspAuthChallenge.Parse("Digest realm=\"a, \\\"b\\\"\",nonce=abc , stale=TRUE").Value!;
        Assert.Equal("a, \"b\"", c["realm"]);
        Assert.Equal("abc", c["nonce"]);
        Assert.Equal("TRUE", c["stale"]);
    }

    [Fact]
    public void RandomChallengesNeverThrow()
    {
        var random = new Random(7);
        const string alphabet = "Digest Basic realm=\"nonce,qop auth\\= ";
        for (var i = 0; i < 3000; i++)
        {
            var chars = new char[random.Next(0, 120)];
            for (var k = 0; k < chars.Length; k++) chars[k] = alphabet[random.Next(alphabet.Length)];
            var text = new string(chars);
            var parsed = RtspAuthChallenge.Parse(text);
            Assert.True(parsed.IsOk || parsed.Failure?.Message is { Length: > 0 });
            var auth = new RtspAuthenticator("u", "p");
            if (auth.Accept([text]) is null) Assert.NotNull(auth.Authorize("OPTIONS", "rtsp://c/"));
        }
    }
}
