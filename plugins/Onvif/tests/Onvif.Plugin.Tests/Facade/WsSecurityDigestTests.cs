using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Plugin.Facade;
using Appliance.Plugins.Onvif.Plugin.Facade.Auth;
using Appliance.Plugins.Onvif.Protocol.Security;
using Appliance.Plugins.Onvif.Protocol.Xml;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests.Facade;

/// <summary>
/// WS-Security PasswordDigest for users an admin opted in with an ONVIF password (the plugin's admin routes, kept as a
/// plugin secret): accepted with that password only, in the same Created window and nonce-replay cache as PasswordText;
/// refused again once the password is removed; the routes name every bad body.
/// </summary>
public sealed class WsSecurityDigestTests : IAsyncLifetime
{
    private FacadeRig _rig = null!;

    public async Task InitializeAsync() => _rig = await FacadeRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Appliance.Abstractions.PluginHttpResponse> Put(string user, string body) =>
        _rig.Context.RouteTable.InvokeAsync("PUT", WsSecurityUserRoutes.Item, new() { ["user"] = user }, body);

    private Task<Appliance.Abstractions.PluginHttpResponse> Delete(string user) =>
        _rig.Context.RouteTable.InvokeAsync("DELETE", WsSecurityUserRoutes.Item, new() { ["user"] = user });

    private static string Header(UsernameToken token) =>
        new XElement(Ns.Soap + "Header", token.ToHeader()).ToString(SaveOptions.DisableFormatting);

    private static string Text(Appliance.Abstractions.PluginHttpResponse response) => System.Text.Encoding.UTF8.GetString(response.Body.Span);

    private static string Reason(Appliance.Abstractions.PluginHttpResponse response) =>
        JsonDocument.Parse(response.Body).RootElement.GetProperty("error").GetString()!;

    [Fact]
    public async Task AnOptedInUsersDigestIsAcceptedOnceWithTheOnvifPasswordOnlyAndRefusedAfterRemoval()
    {
        Assert.Equal(200, (await Put("viewer", """{"password":"onvif-secret"}""")).StatusCode);
        var profiles = FacadeRig.Body("<trt:GetProfiles/>", Header(UsernameToken.Create("viewer", "onvif-secret", DateTimeOffset.UtcNow)));
        var (ok, xml, _) = await _rig.PostAsync("/onvif/media_service", profiles);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(["p_lobby", "p_lobby_sd", "p_yard"], xml!.Descendants(Ns.Trt + "Profiles").Select(p => p.Attribute("token")!.Value));

        // The same token again: the nonce is in the replay cache.
        var (replay, fault, _) = await _rig.PostAsync("/onvif/media_service", profiles);
        Assert.Equal(HttpStatusCode.BadRequest, replay);
        Assert.Contains("already used", fault!.Descendants(Ns.Soap + "Text").Single().Value, StringComparison.Ordinal);

        // A digest over the login password (or any other) is wrong for an opted-in user: a fault, not a challenge.
        var wrong = FacadeRig.Body("<trt:GetProfiles/>", Header(UsernameToken.Create("viewer", "viewer-pass", DateTimeOffset.UtcNow)));
        var (bad, badFault, _) = await _rig.PostAsync("/onvif/media_service", wrong);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal(["ter:NotAuthorized"], FacadeRig.Subcodes(badFault));

        // Outside the window, even with the right password.
        var stale = FacadeRig.Body("<trt:GetProfiles/>", Header(UsernameToken.Create("viewer", "onvif-secret", DateTimeOffset.UtcNow.AddMinutes(-20))));
        var (old, oldFault, _) = await _rig.PostAsync("/onvif/media_service", stale);
        Assert.Equal(HttpStatusCode.BadRequest, old);
        Assert.Contains("outside the accepted window", oldFault!.Descendants(Ns.Soap + "Text").Single().Value, StringComparison.Ordinal);

        // Removed: back to the Digest challenge.
        Assert.Equal(200, (await Delete("viewer")).StatusCode);
        var after = FacadeRig.Body("<trt:GetProfiles/>", Header(UsernameToken.Create("viewer", "onvif-secret", DateTimeOffset.UtcNow)));
        var (challenged, _, response) = await _rig.PostAsync("/onvif/media_service", after);
        Assert.Equal(HttpStatusCode.Unauthorized, challenged);
        Assert.StartsWith("Digest realm=\"appliance\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(404, (await Delete("viewer")).StatusCode);
    }

    [Fact]
    public async Task TheRoleIsTheHostsAndOtherUsersAreNotOptedIn()
    {
        Assert.Equal(200, (await Put("viewer", """{"password":"onvif-secret"}""")).StatusCode);
        // A viewer's digest does not open events (operator).
        var events = FacadeRig.Body("<tev:CreatePullPointSubscription/>", Header(UsernameToken.Create("viewer", "onvif-secret", DateTimeOffset.UtcNow)));
        var (status, fault, _) = await _rig.PostAsync("/onvif/events_service", events);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["ter:NotAuthorized"], FacadeRig.Subcodes(fault));
        // The operator has no ONVIF password: their digest (with viewer's ONVIF password) gets the challenge.
        var other = FacadeRig.Body("<tds:GetDeviceInformation/>", Header(UsernameToken.Create("operator", "onvif-secret", DateTimeOffset.UtcNow)));
        var (challenged, _, _) = await _rig.PostAsync("/onvif/device_service", other);
        Assert.Equal(HttpStatusCode.Unauthorized, challenged);
    }

    [Fact]
    public async Task TheListNamesUsersButNeverTheirPasswordsAndTheSecretIsKeptThroughTheHost()
    {
        Assert.Equal(200, (await Put("viewer", """{"password":"onvif-secret"}""")).StatusCode);
        Assert.Equal(200, (await Put("admin", """{"password":"other-secret"}""")).StatusCode);
        var list = await _rig.Context.RouteTable.InvokeAsync("GET", WsSecurityUserRoutes.Collection, []);
        Assert.Equal(200, list.StatusCode);
        Assert.Equal(["admin", "viewer"], JsonDocument.Parse(list.Body).RootElement.GetProperty("users").EnumerateArray().Select(u => u.GetString()));
        Assert.DoesNotContain("secret", Text(list), StringComparison.Ordinal);
        Assert.Equal([WsSecurityPasswords.SecretName], await _rig.Context.Secrets.NamesAsync());
        // A second store over the same secrets (a plugin restart) knows them.
        Assert.Equal("onvif-secret", await new WsSecurityPasswords(_rig.Context.Secrets).FindAsync("viewer", CancellationToken.None));
    }

    [Fact]
    public async Task AnUnknownUserCannotBeOptedIn()
    {
        var response = await Put("nobody", """{"password":"onvif-secret"}""");
        Assert.Equal(404, response.StatusCode);
        Assert.Contains("no user 'nobody'", Reason(response), StringComparison.Ordinal);
        Assert.Empty(await _rig.Context.Secrets.NamesAsync());
    }

    [Theory]
    [InlineData("", "body must be")]
    [InlineData("not json", "not JSON")]
    [InlineData("""["onvif-secret"]""", "JSON object")]
    [InlineData("""{"pass":"onvif-secret"}""", "\"password\" as a string")]
    [InlineData("""{"password":42}""", "\"password\" as a string")]
    [InlineData("""{"password":""}""", "1 to 256 characters")]
    public async Task BadBodiesAreRefusedWithTheReason(string body, string reason)
    {
        var response = await Put("viewer", body);
        Assert.Equal(400, response.StatusCode);
        Assert.Contains(reason, Reason(response), StringComparison.Ordinal);
        Assert.Empty(await _rig.Context.Secrets.NamesAsync());
    }

    [Fact]
    public async Task OversizedBodiesAndPasswordsAreRefused()
    {
        var longPassword = await Put("viewer", JsonSerializer.Serialize(new { password = new string('x', 257) }));
        Assert.Equal(400, longPassword.StatusCode);
        var huge = await Put("viewer", JsonSerializer.Serialize(new { password = "p", padding = new string('x', 5000) }));
        Assert.Equal(413, huge.StatusCode);
        Assert.Empty(await _rig.Context.Secrets.NamesAsync());
    }

    [Fact]
    public async Task TheStoreIsBoundedAndAReplacedPasswordDoesNotCountTwice()
    {
        var store = new WsSecurityPasswords(new FakeSecrets());
        for (var i = 0; i < WsSecurityPasswords.MaxUsers; i++) Assert.True((await store.SetAsync($"user{i}", "p", CancellationToken.None)).IsOk);
        var full = await store.SetAsync("one-more", "p", CancellationToken.None);
        Assert.Equal("full", full.Failure!.Code);
        Assert.True((await store.SetAsync("user0", "changed", CancellationToken.None)).IsOk);
        Assert.Equal("changed", await store.FindAsync("user0", CancellationToken.None));
        Assert.Equal(WsSecurityPasswords.MaxUsers, (await store.UsersAsync(CancellationToken.None)).Count);
    }
}
