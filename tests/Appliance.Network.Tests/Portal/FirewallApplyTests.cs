using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Appliance.Network.Tests.Support;
using Appliance.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Network.Tests.Portal;

/// <summary>
/// Enforcement on, with the real nft running in a throwaway network namespace: an apply from the Firewall page is
/// confirmed by the browser (the page's script, with the CSRF header) and stays in force; an apply that nobody
/// confirms is rolled back by the host. Issue 15 item 7: the page names the management sources and this browser's
/// address in a lockout warning that must be acknowledged before Apply does anything, shows the pending changes
/// (none once the compiled ruleset is in force) and the warnings in full.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class FirewallApplyTests(NetworkHostFixture fixture, BrowserFixture browser)
{
    [Fact]
    public async Task ApplyFromTheBrowser_IsConfirmed_AndAnUnconfirmedApplyIsRolledBack()
    {
        using var netns = await NetnsNft.CreateAsync();
        var network = NetworkHostFixture.NetworkSection(fixture.Rig);
        network["firewall"] = new JsonObject
        {
            ["enforce"] = true,
            ["nftPath"] = netns.NftPath,
            ["confirmTimeoutSeconds"] = 12,
            ["zones"] = new JsonObject { ["managementSources"] = new JsonArray("10.9.0.0/24", "fd00:9::/64") },
        };
        var host = await HostProcess.StartAsync(appliance: new JsonObject { ["network"] = network });
        try
        {
            await host.LoginAsync();
            // At start the enforcer applies without confirmation: the table is in force in the namespace.
            var status = await WaitForResultAsync(host, r => r is not null);
            Assert.True(status.GetProperty("lastResult").GetString() == "Applied", status.ToString());
            var table = await netns.ListApplianceTableAsync();
            Assert.NotNull(table);
            // No interface is assigned a zone in this configuration: the table drops
            // every inbound packet that is not loopback, essential ICMP or a reply.
            Assert.Contains("type filter hook input priority filter; policy drop;", table);

            var page = await browser.NewPageAsync(host.BaseUri);
            await page.GotoAsync("/Login");
            await page.GetByLabel("User name").FillAsync(HostProcess.AdminUser);
            await page.GetByLabel("Password").FillAsync(HostProcess.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            await page.GotoAsync("/Network/Firewall");
            await Expect(page.Locator("[data-field=enforced]")).ToHaveTextAsync("enforced");
            await Expect(page.Locator("[data-field=pending]")).ToHaveTextAsync("none: the ruleset in force is the compiled one");
            await Expect(page.Locator("#no-changes")).ToBeVisibleAsync();
            // No interface has a zone here: every zone's entries are noted in full, none cut with "...".
            var notes = await page.Locator("#firewall-notes li").AllTextContentsAsync();
            Assert.NotEmpty(notes);
            Assert.All(notes, n => Assert.DoesNotContain("...", n));
            await Expect(page.Locator("[data-field=warnings]")).ToHaveTextAsync($"{notes.Count} warning{(notes.Count == 1 ? "" : "s")}");
            await Expect(page.Locator("#management-sources")).ToHaveTextAsync("10.9.0.0/24, fd00:9::/64");
            await Expect(page.Locator("#browser-address")).ToContainTextAsync("127.0.0.1");
            await Expect(page.Locator("#browser-address")).ToContainTextAsync("inside them, so it keeps access");
            // Apply does nothing until the lockout warning is acknowledged.
            var apply = page.GetByRole(AriaRole.Button, new() { Name = "Apply and confirm" });
            await apply.ClickAsync();
            await Expect(page.Locator("#apply-result")).ToBeEmptyAsync();
            Assert.False(await page.Locator("#lockout-understood").EvaluateAsync<bool>("box => box.validity.valid"));
            await page.GetByLabel("I have read the lockout warning").CheckAsync();
            await apply.ClickAsync();
            await Expect(page.Locator("#apply-result")).ToHaveTextAsync(new Regex("^Applied: "), new() { Timeout = 60_000 });
            Assert.NotNull(await netns.ListApplianceTableAsync());
            await page.ReloadAsync();
            await Expect(page.Locator("[data-field=last-apply]")).ToContainTextAsync("Applied");
            await BrowserFixture.ScreenshotAsync(page, "network", "06-firewall-applied");
            await page.Context.CloseAsync();

            // Nobody confirms: after the timeout the previous table is put back (here: the same table, still present).
            using var unconfirmed = await host.Client.PostAsync("/api/v1/network/firewall/apply?confirm=true", null);
            var body = await unconfirmed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True((int)unconfirmed.StatusCode == 409, body.ToString());
            Assert.Contains("not confirmed within 12 s", body.GetProperty("detail").GetString());
            status = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/network/firewall");
            Assert.Equal("RolledBack", status.GetProperty("lastResult").GetString());
            Assert.Contains("policy drop;", await netns.ListApplianceTableAsync());
        }
        finally
        {
            await host.DisposeAsync();
            try
            {
                Directory.Delete(host.DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static Task<JsonElement> WaitForResultAsync(HostProcess host, Func<string?, bool> done) =>
        Eventually.ValueAsync(() => host.Client.GetFromJsonAsync<JsonElement>("/api/v1/network/firewall"),
            status => done(status.GetProperty("lastResult").GetString()), "the firewall result", TimeSpan.FromSeconds(60), () => host.Log, TimeSpan.FromMilliseconds(200));
}
