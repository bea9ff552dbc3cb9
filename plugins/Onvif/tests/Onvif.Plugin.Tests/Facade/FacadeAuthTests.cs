using System.Net;
using Appliance.Plugins.Onvif.Protocol.Security;
using Appliance.Plugins.Onvif.Protocol.Xml;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests.Facade;

/// <summary>
/// Authentication against the appliance's users: GetSystemDateAndTime open; HTTP Digest with the HA1 of the declared
/// realm (.NET's own Digest client as the peer); WS-Security UsernameToken with replay protection; roles.
/// </summary>
public sealed class FacadeAuthTests : IAsyncLifetime
{
    private FacadeRig _rig = null!;

    public async Task InitializeAsync() => _rig = await FacadeRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private static string TextToken(string user, string password, string nonce, DateTimeOffset created) =>
        $"""<s:Header><wsse:Security xmlns:wsse="{Ns.Wsse.NamespaceName}" xmlns:wsu="{Ns.Wsu.NamespaceName}"><wsse:UsernameToken><wsse:Username>{user}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">{password}</wsse:Password><wsse:Nonce>{nonce}</wsse:Nonce><wsu:Created>{UsernameToken.FormatCreated(created)}</wsu:Created></wsse:UsernameToken></wsse:Security></s:Header>""";

    [Fact]
    public async Task SystemDateAndTimeNeedsNoCredentialsButProfilesDo()
    {
        await _rig.AssertStillAnswersAsync();
        var (status, xml, response) = await _rig.PostAsync("/onvif/media_service", FacadeRig.Body("<trt:GetProfiles/>"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("Digest realm=\"appliance\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(["ter:NotAuthorized"], FacadeRig.Subcodes(xml));
    }

    [Fact]
    public async Task DigestWithTheRightPasswordGetsProfilesAndTheWrongOneDoesNot()
    {
        var (ok, xml, _) = await _rig.PostAsync("/onvif/media_service", FacadeRig.Body("<trt:GetProfiles/>"), "viewer", "viewer-pass");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(["p_lobby", "p_lobby_sd", "p_yard"], xml!.Descendants(Ns.Trt + "Profiles").Select(p => p.Attribute("token")!.Value));
        var (wrong, _, _) = await _rig.PostAsync("/onvif/media_service", FacadeRig.Body("<trt:GetProfiles/>"), "viewer", "not-the-password");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.True(_rig.Context.UserTable().Failures == 0, "a wrong Digest response is checked against the HA1, the host sees no password");
    }

    [Fact]
    public async Task AViewerReadsMediaButOnlyAnOperatorSubscribesToEvents()
    {
        var body = FacadeRig.Body("<tev:CreatePullPointSubscription/>");
        var (viewer, xml, _) = await _rig.PostAsync("/onvif/events_service", body, "viewer", "viewer-pass");
        Assert.Equal(HttpStatusCode.BadRequest, viewer);
        Assert.Equal(["ter:NotAuthorized"], FacadeRig.Subcodes(xml));
        var (op, created, _) = await _rig.PostAsync("/onvif/events_service", body, "operator", "operator-pass");
        Assert.Equal(HttpStatusCode.OK, op);
        Assert.Contains("/onvif/pullpoint/", created!.Descendants(Ns.Wsa + "Address").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsernameTokenIsAcceptedOnceAndItsReplayIsRefused()
    {
        var nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var request = FacadeRig.Body("<tds:GetDeviceInformation/>", TextToken("viewer", "viewer-pass", nonce, DateTimeOffset.UtcNow));
        var (first, info, _) = await _rig.PostAsync("/onvif/device_service", request);
        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal("Appliance", info!.Descendants(Ns.Tds + "Manufacturer").Single().Value);
        var (replay, fault, _) = await _rig.PostAsync("/onvif/device_service", request);
        Assert.Equal(HttpStatusCode.BadRequest, replay);
        Assert.Equal(["ter:NotAuthorized"], FacadeRig.Subcodes(fault));
        Assert.Contains("already used", fault!.Descendants(Ns.Soap + "Text").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsernameTokenOutsideTheWindowOrWithAWrongPasswordIsRefused()
    {
        var stale = FacadeRig.Body("<tds:GetDeviceInformation/>", TextToken("viewer", "viewer-pass", "bm9uY2Ux", DateTimeOffset.UtcNow.AddMinutes(-20)));
        var (s1, f1, _) = await _rig.PostAsync("/onvif/device_service", stale);
        Assert.Equal(HttpStatusCode.BadRequest, s1);
        Assert.Contains("outside the accepted window", f1!.Descendants(Ns.Soap + "Text").Single().Value, StringComparison.Ordinal);
        var wrong = FacadeRig.Body("<tds:GetDeviceInformation/>", TextToken("viewer", "guess", "bm9uY2Uy", DateTimeOffset.UtcNow));
        var (s2, f2, _) = await _rig.PostAsync("/onvif/device_service", wrong);
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.Equal(["ter:NotAuthorized"], FacadeRig.Subcodes(f2));
        Assert.Equal(1, _rig.Context.UserTable().Failures);
    }

    [Fact]
    public async Task APasswordDigestTokenIsAnsweredWithAnHttpDigestChallenge()
    {
        var token = UsernameToken.Create("viewer", "viewer-pass", DateTimeOffset.UtcNow);
        var header = new System.Xml.Linq.XElement(Ns.Soap + "Header", token.ToHeader()).ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
        var (status, _, response) = await _rig.PostAsync("/onvif/device_service", FacadeRig.Body("<tds:GetDeviceInformation/>", header));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("qop=\"auth\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
