using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Security;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Security;

public class DigestTests
{
    private const string Rfc7616Challenge =
        "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

    /// <summary>RFC 7616 section 3.9.1, MD5 example.</summary>
    [Fact]
    public void Md5ResponseMatchesRfc7616Example()
    {
        var challenge = DigestChallenge.Parse(Rfc7616Challenge).Value;
        var header = DigestAuthorization.Create(challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", 1);
        Assert.Contains("response=\"8ca523f5e9506fed4657c9700eebdbec\"", header);
        Assert.Contains("nc=00000001", header);
        Assert.Contains("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"", header);
    }

    /// <summary>RFC 7616 section 3.9.1, SHA-256 example.</summary>
    [Fact]
    public void Sha256ResponseMatchesRfc7616Example()
    {
        var challenge = DigestChallenge.Parse(Rfc7616Challenge.Replace("algorithm=MD5", "algorithm=SHA-256")).Value;
        var header = DigestAuthorization.Create(challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", 1);
        Assert.Contains("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"", header);
    }

    [Fact]
    public void ChallengeWithoutQopUsesRfc2069Form()
    {
        var challenge = DigestChallenge.Parse("Digest realm=\"cam\", nonce=\"abc\"").Value;
        Assert.False(challenge.QopAuth);
        var header = DigestAuthorization.Create(challenge, "u", "p", "POST", "/onvif/device_service", "c", 1);
        var ha1 = DigestAuthorization.Hash("MD5", "u:cam:p");
        var ha2 = DigestAuthorization.Hash("MD5", "POST:/onvif/device_service");
        Assert.Contains($"response=\"{DigestAuthorization.Hash("MD5", $"{ha1}:abc:{ha2}")}\"", header);
        Assert.DoesNotContain("qop", header);
    }

    [Fact]
    public void QuotedStringsWithEscapesAndStaleAreRead()
    {
        var challenge = DigestChallenge.Parse("realm=\"a \\\"quoted\\\" realm\",nonce=n1,stale=TRUE,qop=auth").Value;
        Assert.Equal("a \"quoted\" realm", challenge.Realm);
        Assert.True(challenge.Stale);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Digest realm=\"x\"", "without nonce")]
    [InlineData("Digest nonce=\"x\"", "without realm")]
    [InlineData("Digest realm=\"x\", nonce=\"y\", algorithm=SHA-512-256", "not supported")]
    [InlineData("Digest realm=\"x\", nonce=\"y\", qop=\"auth-int\"", "no qop=auth")]
    [InlineData("Digest nonce=\"y\", realm=\"unterminated", "unterminated")]
    [InlineData("Digest realm", "no value")]
    [InlineData("Digest =value", "without a name")]
    public void BadChallengesAreClearErrors(string header, string expected)
    {
        var result = DigestChallenge.Parse(header);
        Assert.Equal(ErrorKind.BadChallenge, result.Failure!.Code);
        Assert.Contains(expected, result.Failure.Message);
    }

    [Fact]
    public void OversizedChallengeIsRefused() =>
        Assert.Contains("exceeds", DigestChallenge.Parse("Digest realm=\"" + new string('a', 10000) + "\", nonce=\"n\"").Failure!.Message);
}
