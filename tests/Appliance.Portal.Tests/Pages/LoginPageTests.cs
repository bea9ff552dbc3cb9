using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Portal.Tests.Pages;

[Collection(PortalCollection.Name)]
public sealed class LoginPageTests(BrowserFixture browser, AdminHostFixture admin)
{
    [Fact]
    public async Task WrongPassword_ShowsTheMessage_ThenTheRightOneOpensTheAskedPage_WithASecureSessionCookie()
    {
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        await page.GotoAsync("/Plugins");
        await Expect(page).ToHaveURLAsync(new Regex("(?i)/Login\\?ReturnUrl=%2FPlugins$"));

        await PortalSteps.LoginAsync(page, password: "not-the-password-at-all");
        await Expect(page.Locator("#login-error")).ToHaveTextAsync("Wrong user name or password.");
        await PortalSteps.ScreenshotAsync(page, "03-login-wrong-password");

        await PortalSteps.LoginAsync(page, user: "nobody-here", password: HostProcess.AdminPassword);
        await Expect(page.Locator("#login-error")).ToHaveTextAsync("Wrong user name or password.");

        await page.GotoAsync("/Login?ReturnUrl=%2FPlugins");
        await page.GetByLabel("User name").FillAsync(HostProcess.AdminUser);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(HostProcess.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Plugins$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Plugins", Level = 1 })).ToBeVisibleAsync();

        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "appliance.session");
        Assert.True(session.Secure);
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task EmptyMissingAndOversizedCredentials_AreRefusedWithTheSameMessage()
    {
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        await page.GotoAsync("/Login");
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var forms = new (string Name, Dictionary<string, string> Fields)[]
        {
            ("empty", new() { ["UserName"] = "", ["Password"] = "" }),
            ("missing", new()),
            ("oversized (within the anonymous body cap)", new() { ["UserName"] = new string('a', 4_000), ["Password"] = new string('b', 10_000) }),
            ("control characters", new() { ["UserName"] = "ad\u0001min\r\n", ["Password"] = "\u0007\u001b[2J" }),
        };
        foreach (var (name, fields) in forms)
        {
            var form = page.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!);
            foreach (var (key, value) in fields) form.Set(key, value);
            var response = await page.APIRequest.PostAsync("/Login", new() { Form = form, MaxRedirects = 0 });
            Assert.True(response.Status == 200, $"{name}: {response.Status}");
            Assert.Contains("Wrong user name or password.", await response.TextAsync());
        }
        // Beyond the anonymous body cap (issue 10: no unauthenticated memory exhaustion) the body is refused
        // from its Content-Length before anything is read: 413, and nothing is evaluated.
        var huge = page.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!)
            .Set("UserName", new string('a', 20_000)).Set("Password", new string('b', 100_000));
        Assert.Equal(413, (await page.APIRequest.PostAsync("/Login", new() { Form = huge, MaxRedirects = 0 })).Status);

        // A NUL character is refused by the form reader itself: 400, nothing else happens.
        var nul = page.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!).Set("UserName", "admin\u0000").Set("Password", "x");
        Assert.Equal(400, (await page.APIRequest.PostAsync("/Login", new() { Form = nul, MaxRedirects = 0 })).Status);

        // None of them counted against the administrator.
        await PortalSteps.LoginAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AnOffSiteReturnUrl_IsIgnored()
    {
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        await page.GotoAsync("/Login?ReturnUrl=https%3A%2F%2Fexample.invalid%2F");
        await page.GetByLabel("User name").FillAsync(HostProcess.AdminUser);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(HostProcess.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        Assert.StartsWith(admin.Host.BaseUri.ToString(), page.Url);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AFormPostedWithoutItsAntiforgeryToken_IsRefused()
    {
        var page = await browser.NewPageAsync(admin.Host.BaseUri);
        await PortalSteps.LoginAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        // The session cookie alone (what a forged cross-site form would carry) must not be enough.
        var response = await page.APIRequest.PostAsync("/Cameras?handler=Add", new()
        {
            Form = page.APIRequest.CreateFormData().Set("Input.StreamUri", "rtsp://127.0.0.1:1/forged"),
            MaxRedirects = 0,
        });
        Assert.Equal((int)HttpStatusCode.BadRequest, response.Status);
        var cameras = await admin.Host.Client.GetFromJsonAsync<List<System.Text.Json.JsonElement>>("/api/v1/cameras");
        Assert.DoesNotContain(cameras!, c => c.GetProperty("streamUri").GetString() == "rtsp://127.0.0.1:1/forged");
        await page.Context.CloseAsync();
    }
}
