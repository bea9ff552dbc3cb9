using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;

namespace Appliance.Portal.Tests.Pages;

/// <summary>
/// Plugin portal pages (manifest <c>portal</c>) over HTTP against the real host: the nav entry per role, the page
/// inside the layout with the portal's CSP and a CSRF token, and every way a page can fail.
/// </summary>
[Collection(PluginPagesCollection.Name)]
public sealed class PluginPageTests(PluginPagesHost fixture)
{
    [Fact]
    public async Task A_viewer_sees_the_nav_entry_of_a_viewer_page_and_its_content_inside_the_layout_but_not_an_admin_page()
    {
        using var viewer = await fixture.SessionAsync(PluginPagesHost.Viewer, PluginPagesHost.ViewerPassword);
        var overview = await viewer.GetStringAsync("/");
        Assert.Contains($"href=\"/Plugin/{PluginPagesHost.ViewerPage}\"", overview);
        Assert.DoesNotContain($"/Plugin/{PluginPagesHost.AdminPage}", overview);

        using var response = await viewer.GetAsync($"/Plugin/{PluginPagesHost.ViewerPage}?camera=lobby");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<nav aria-label=\"Main\">", html);
        Assert.Contains("<h1>Surface page</h1>", html);
        Assert.Matches($"<section class=\"plugin-page\" id=\"plugin-page\" data-plugin=\"{Regex.Escape(PluginPagesHost.ViewerPage)}\">\\s*<p id=\"surface-page\">page of viewer for viewer1 \\(viewer\\), query camera=lobby, credentials none</p>", html);
        Assert.Matches("<a href=\"/Plugin/test.page-viewer\" data-plugin-page=\"test.page-viewer\" aria-current=\"page\">Surface page</a>", html);
        Assert.Matches("<meta name=\"csrf-token\" content=\"[^\"]{20,}\">", html);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);

        using var forbidden = await viewer.GetAsync($"/Plugin/{PluginPagesHost.AdminPage}");
        Assert.Equal(HttpStatusCode.Redirect, forbidden.StatusCode);
        Assert.Equal("/Forbidden", forbidden.Headers.Location!.AbsolutePath);
        using var shown = await viewer.GetAsync(forbidden.Headers.Location);
        Assert.Equal(HttpStatusCode.Forbidden, shown.StatusCode);
        Assert.DoesNotContain("surface-page", await shown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_admin_sees_both_pages_and_a_plugin_page_script_can_write_with_the_layouts_csrf_token()
    {
        using var admin = await fixture.SessionAsync();
        var html = await admin.GetStringAsync($"/Plugin/{PluginPagesHost.AdminPage}");
        Assert.Contains("page of admin for admin (admin)", html);
        Assert.Contains($"href=\"/Plugin/{PluginPagesHost.ViewerPage}\"", html);
        var token = Regex.Match(html, "<meta name=\"csrf-token\" content=\"([^\"]+)\">").Groups[1].Value;

        using (var refused = await admin.PostAsync($"/plugins/{PluginPagesHost.AdminPage}/upload", new StringContent("12345")))
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"/plugins/{PluginPagesHost.AdminPage}/upload") { Content = new StringContent("12345") };
        upload.Headers.Add("X-CSRF-TOKEN", token);
        using var accepted = await admin.SendAsync(upload);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Contains("\"bytes\":5", await accepted.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_plugin_is_404_inside_the_layout_and_anonymous_callers_are_sent_to_the_login()
    {
        using var admin = await fixture.SessionAsync();
        using var unknown = await admin.GetAsync("/Plugin/no.such-plugin");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var html = WebUtility.HtmlDecode(await unknown.Content.ReadAsStringAsync());
        Assert.Contains("No plugin page \"no.such-plugin\": the plugin is not installed or has no portal page.", html);
        Assert.Contains("<nav aria-label=\"Main\">", html);

        using var anonymous = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { BaseAddress = fixture.Host.BaseUri };
        using var redirected = await anonymous.GetAsync($"/Plugin/{PluginPagesHost.ViewerPage}");
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.Contains("/login", redirected.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_stopped_plugin_shows_not_running_with_503_and_its_page_again_once_enabled()
    {
        using var admin = await fixture.SessionAsync();
        using (var disable = await fixture.Host.Client.PostAsync($"/api/v1/plugins/{PluginPagesHost.StoppedPage}/disable", null))
            Assert.True(disable.IsSuccessStatusCode, await disable.Content.ReadAsStringAsync());
        try
        {
            using var stopped = await admin.GetAsync($"/Plugin/{PluginPagesHost.StoppedPage}");
            var html = await stopped.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stopped.StatusCode);
            Assert.Contains("data-code=\"not-running\"", html);
            Assert.Contains($"The plugin {PluginPagesHost.StoppedPage} is not running", html);
            Assert.Contains($"href=\"/Plugin/{PluginPagesHost.StoppedPage}\"", html);
        }
        finally
        {
            using var enable = await fixture.Host.Client.PostAsync($"/api/v1/plugins/{PluginPagesHost.StoppedPage}/enable", null);
            Assert.True(enable.IsSuccessStatusCode, await enable.Content.ReadAsStringAsync());
        }
        await fixture.WaitRunningAsync(PluginPagesHost.StoppedPage);
        Assert.Contains("page of off for admin", await admin.GetStringAsync($"/Plugin/{PluginPagesHost.StoppedPage}"));
    }

    [Fact]
    public async Task A_page_that_never_answers_is_504_after_the_timeout_and_the_portal_keeps_serving()
    {
        using var admin = await fixture.SessionAsync();
        var watch = Stopwatch.StartNew();
        using var hanging = await admin.GetAsync($"/Plugin/{PluginPagesHost.HangingPage}");
        watch.Stop();
        Assert.Equal(HttpStatusCode.GatewayTimeout, hanging.StatusCode);
        Assert.Contains($"did not answer its page within {PluginPagesHost.TimeoutSeconds:0.#} s", await hanging.Content.ReadAsStringAsync());
        Assert.InRange(watch.Elapsed.TotalSeconds, PluginPagesHost.TimeoutSeconds - 0.1, PluginPagesHost.TimeoutSeconds + 15);
        using var next = await admin.GetAsync($"/Plugin/{PluginPagesHost.ViewerPage}");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);

        // A handler that ignores its cancellation token does not hold the page either.
        watch.Restart();
        using var stuck = await admin.GetAsync($"/Plugin/{PluginPagesHost.StuckPage}");
        watch.Stop();
        Assert.Equal(HttpStatusCode.GatewayTimeout, stuck.StatusCode);
        Assert.InRange(watch.Elapsed.TotalSeconds, PluginPagesHost.TimeoutSeconds - 0.1, 15);
    }

    [Fact]
    public async Task An_oversized_page_or_one_that_is_not_html_is_502_and_not_embedded()
    {
        using var admin = await fixture.SessionAsync();
        using var big = await admin.GetAsync($"/Plugin/{PluginPagesHost.BigPage}");
        var html = await big.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, big.StatusCode);
        Assert.Contains($"The plugin {PluginPagesHost.BigPage} answered a page larger than 1048576 bytes", html);
        Assert.True(html.Length < 100_000, $"the error page is {html.Length} characters");

        using var json = await admin.GetAsync($"/Plugin/{PluginPagesHost.JsonPage}");
        html = WebUtility.HtmlDecode(await json.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadGateway, json.StatusCode);
        Assert.Contains($"The plugin {PluginPagesHost.JsonPage} answered its page with \"application/json", html);
        Assert.DoesNotContain("not html\"}", html);
    }

    [Fact]
    public async Task Hostile_markup_is_embedded_as_given_under_a_CSP_that_forbids_inline_script()
    {
        using var viewer = await fixture.SessionAsync(PluginPagesHost.Viewer, PluginPagesHost.ViewerPassword);
        using var hostile = await viewer.GetAsync($"/Plugin/{PluginPagesHost.HostilePage}");
        var html = await hostile.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, hostile.StatusCode);
        Assert.Contains("<script>document.getElementById('surface-page')", html);
        var csp = hostile.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Matches("(^|; )script-src 'self'(;|$)", csp);
        Assert.DoesNotContain("unsafe", csp);
        Assert.Equal("DENY", hostile.Headers.GetValues("X-Frame-Options").Single());
    }
}

[CollectionDefinition(Name)]
public sealed class PluginPagesCollection : ICollectionFixture<PluginPagesHost>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "plugin-pages";
}
