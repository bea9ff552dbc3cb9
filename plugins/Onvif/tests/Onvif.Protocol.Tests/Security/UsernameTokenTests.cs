using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Security;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Security;

public class UsernameTokenTests
{
    /// <summary>The worked example of the ONVIF Application Programmer's Guide ("Authentication", WS-UsernameToken).</summary>
    [Fact]
    public void DigestMatchesTheOnvifProgrammersGuideExample()
    {
        var digest = UsernameToken.ComputeDigest(Convert.FromBase64String("LKqI6G/AikKCQrN0zqZFlg=="), "2010-09-16T07:50:45Z", "userpassword");
        Assert.Equal("tuOSpGlFlIXsozq4HFNeeGeFLEI=", digest);
    }

    [Fact]
    public void HeaderCarriesDigestNonceAndCreatedInTheWssNamespaces()
    {
        var token = UsernameToken.Create("admin", "pw", new DateTimeOffset(2024, 1, 31, 8, 15, 30, 123, TimeSpan.FromHours(2)), new byte[16]);
        Assert.Equal("2024-01-31T06:15:30.123Z", token.Created);
        var header = token.ToHeader();
        Assert.Equal(Ns.Wsse + "Security", header.Name);
        var ut = header.Element(Ns.Wsse + "UsernameToken")!;
        Assert.Equal("admin", ut.Element(Ns.Wsse + "Username")!.Value);
        Assert.EndsWith("#PasswordDigest", ut.Element(Ns.Wsse + "Password")!.Attribute("Type")!.Value);
        Assert.Equal(Convert.ToBase64String(new byte[16]), ut.Element(Ns.Wsse + "Nonce")!.Value);
        Assert.Equal(token.Created, ut.Element(Ns.Wsu + "Created")!.Value);
        Assert.Equal(UsernameToken.ComputeDigest(new byte[16], token.Created, "pw"), ut.Element(Ns.Wsse + "Password")!.Value);
    }

    [Fact]
    public void FreshTokensUseFreshNonces()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.NotEqual(UsernameToken.Create("a", "b", now).Nonce, UsernameToken.Create("a", "b", now).Nonce);
    }

    [Fact]
    public void ClockOffsetIsMeasuredAgainstTheMidpointOfTheRoundTrip()
    {
        var sent = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var received = sent.AddSeconds(2);
        var camera = sent.AddHours(3).AddSeconds(1);
        var offset = ClockOffset.Measure(camera, sent, received);
        Assert.Equal(TimeSpan.FromHours(3), offset.Offset);
    }
}
