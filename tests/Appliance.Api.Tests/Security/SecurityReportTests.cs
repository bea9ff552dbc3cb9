using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Api.Tests.Support;
using Appliance.Portal.Tests.Support;
using Appliance.Testing;
using Appliance.Testing.DBus;

namespace Appliance.Api.Tests.Security;

/// <summary>
/// Issue 21 item 5: the security report of two real configurations of the dev appliance, every check's verdict
/// asserted. The weak one is a host as a careless installer leaves it (unsigned uploads allowed and used, no update
/// channel, an old image, month-long sessions, firewall off, no management sources). The hardened one runs in a
/// network namespace of its own (its firewall is really enforced there) with a cameras interface, management
/// sources, the outbound allowlist, image updates through RAUC (python3-dbusmock on a private bus) and the signed
/// plugin repository configured.
/// </summary>
public sealed class SecurityReportTests
{
    [Fact]
    public async Task A_weak_configuration_is_flagged_check_by_check_and_appliancectl_exits_1()
    {
        var data = Directory.CreateTempSubdirectory("appl-security-weak-").FullName;
        var versionFile = Path.Combine(data, "image-version");
        await File.WriteAllTextAsync(versionFile, "0.9.0\n");
        File.SetLastWriteTimeUtc(versionFile, DateTime.UtcNow.AddDays(-400));
        var plugins = BundledPlugins.Stage(BundledPlugins.Webhooks);
        await using var host = await HostProcess.StartAsync(data, plugins, appliance: new JsonObject
        {
            ["plugins"] = new JsonObject { ["allowUnsigned"] = true, ["repository"] = new JsonObject { ["allowPlainHttp"] = true } },
            ["auth"] = new JsonObject { ["sessionIdleMinutes"] = 600, ["sessionMaxHours"] = 720, ["maxTokenDays"] = 3650 },
            ["imageUpdates"] = new JsonObject { ["versionFile"] = versionFile },
        });
        await host.LoginAsync();
        await UploadUnsignedPluginAsync(host);

        var report = await ReportAsync(host);
        Assert.Equal("fail", report.GetProperty("overall").GetString());
        AssertVerdicts(report, new Dictionary<string, string>
        {
            ["si2-update-channel"] = "fail",
            ["si2-update-age"] = "fail",
            ["si2-plugin-signatures"] = "fail",
            ["cm6-default-credentials"] = "pass",
            ["cm6-tls-only"] = "pass",
            ["cm6-unused-plugins"] = "warn",
            ["cm6-allow-unsigned"] = "fail",
            ["sc23-cookies"] = "pass",
            ["sc23-session-timeout"] = "fail",
            ["sc23-lockout"] = "pass",
            ["sc23-token-lifetime"] = "warn",
            ["ca3-outbound"] = "warn",
            ["ca3-cloud-link"] = "pass",
            ["sc7-firewall"] = "fail",
            ["sc7-camera-zone"] = "warn",
            ["sc7-management-sources"] = "fail",
            ["sc7-plain-http"] = "pass",
            ["sc7-outbound-allowlist"] = "warn",
        });
        Assert.Contains($"{TestPluginPackage.Id} 1.0.0 (UNSIGNED)", Evidence(report, "si2-plugin-signatures"));
        Assert.Contains("appliance.webhooks", Evidence(report, "cm6-unused-plugins"));
        Assert.Contains("400 days ago", Evidence(report, "si2-update-age"));
        Assert.Contains("appliance.webhooks -> any destination:443", Evidence(report, "ca3-outbound"));
        Assert.Contains("720 h", Evidence(report, "sc23-session-timeout"));

        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(host.DataDirectory, "certificates", "portal.pfx"), null);
        var cli = new Appliancectl(Path.Combine(data, "cli", "config.json"));
        var login = await cli.RunAsync("login", "--url", host.BaseUri.GetLeftPart(UriPartial.Authority), "--user", HostProcess.AdminUser,
            "--password", HostProcess.AdminPassword, "--fingerprint", Convert.ToHexString(SHA256.HashData(certificate.RawData)));
        Assert.True(login.ExitCode == 0, login.ToString());
        var md = await cli.RunAsync("security", "report", "--format", "md");
        Assert.True(md.ExitCode == 1, md.ToString());
        Assert.StartsWith("# Security report", md.Stdout);
        Assert.Contains("Overall: **fail**", md.Stdout);
        Assert.Contains("## SC-7 Boundary protection", md.Stdout);
        Assert.Contains("| The firewall enforces the declared footprint (`sc7-firewall`) | fail |", md.Stdout);
        var json = await cli.RunAsync("security", "report", "--format", "json");
        Assert.Equal(1, json.ExitCode);
        Assert.Equal(18, JsonDocument.Parse(json.Stdout).RootElement.GetProperty("findings").GetArrayLength());

        using var bad = await host.Client.GetAsync("/api/v1/security/report?format=pdf");
        Assert.Equal(400, (int)bad.StatusCode);
    }

    [Fact]
    public async Task A_hardened_configuration_passes_every_check_on_the_api_and_the_portal_page()
    {
        using var ns = BareNetns.Create("sec");
        var data = Directory.CreateTempSubdirectory("appl-security-hardened-").FullName;
        using var pki = TestPki.Create(Path.Combine(data, "pki"));
        await using var bus = await PrivateBus.StartAsync();
        // Two interfaces for the zones (veth pairs: this kernel has no dummy module).
        foreach (var link in new[] { "cam0", "lan0" })
        {
            ns.Ip($"link add {link} type veth peer name {link}p");
            ns.Ip($"link set {link} up");
        }
        Directory.CreateDirectory(Path.Combine(data, "slots"));
        await ApplianceMocks.StartRaucAsync(bus, pki.CaPath, Path.Combine(data, "slots"), version: "2.4.0");
        await ApplianceMocks.StartLogindAsync(bus);
        var versionFile = Path.Combine(data, "image-version");
        await File.WriteAllTextAsync(versionFile, "2.4.0\n");
        var plugins = BundledPlugins.Stage(BundledPlugins.Sms);
        await using var host = await HostProcess.StartAsync(data, plugins, netns: ns.Name, appliance: new JsonObject
        {
            ["plugins"] = new JsonObject
            {
                ["allowUnsigned"] = false,
                ["repository"] = new JsonObject { ["url"] = "https://127.0.0.1:9/stable" },
            },
            ["systemServices"] = new JsonObject { ["enabled"] = true, ["busAddress"] = bus.Address, ["applyTimeAtStart"] = false, ["timeCheckSeconds"] = 0 },
            ["imageUpdates"] = new JsonObject { ["enabled"] = true, ["keyring"] = pki.CaPath, ["versionFile"] = versionFile },
            ["network"] = new JsonObject
            {
                ["firewall"] = new JsonObject
                {
                    ["enforce"] = true,
                    ["zones"] = new JsonObject
                    {
                        ["managementSources"] = new JsonArray("127.0.0.0/8", "10.20.0.0/24"),
                        ["outboundAllowlist"] = true,
                        ["interfaces"] = new JsonArray(
                            new JsonObject { ["name"] = "cam0", ["zone"] = "cameras" },
                            new JsonObject { ["name"] = "lan0", ["zone"] = "site" }),
                    },
                },
            },
        }, pluginConfig: new JsonObject
        {
            ["appliance.sms"] = new JsonObject { ["host"] = "127.0.0.1", ["accountSid"] = "AC1", ["authToken"] = "token", ["from"] = "+15555550199" },
        });
        await host.LoginAsync();

        var report = await ReportAsync(host);
        var findings = report.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(18, findings.Count);
        Assert.All(findings, f => Assert.True(f.GetProperty("verdict").GetString() == "pass", f.ToString()));
        Assert.Equal("pass", report.GetProperty("overall").GetString());
        Assert.Contains("appliance.sms", Evidence(report, "si2-plugin-signatures"));
        Assert.Contains("bundled with the image", Evidence(report, "si2-plugin-signatures"));
        Assert.Contains("cam0", Evidence(report, "sc7-camera-zone"));
        Assert.Contains("10.20.0.0/24", Evidence(report, "sc7-management-sources"));
        Assert.Contains("appliance.sms -> 127.0.0.1:443", Evidence(report, "ca3-outbound"));

        var page = await host.Client.GetStringAsync("/Security");
        Assert.Contains("id=\"security-overall\" data-verdict=\"pass\"", page);
        foreach (var f in findings)
            Assert.Contains($"data-check=\"{f.GetProperty("id").GetString()}\" data-verdict=\"pass\"", page);
    }

    private static async Task UploadUnsignedPluginAsync(HostProcess host)
    {
        var zip = TestPluginPackage.Create(Path.Combine(host.DataDirectory, "zips"));
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(zip));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/plugins") { Content = content };
        request.Headers.Add("X-Reauth-Password", HostProcess.AdminPassword);
        using var response = await host.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> ReportAsync(HostProcess host) =>
        await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/security/report?format=json");

    private static string Evidence(JsonElement report, string id) =>
        report.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("id").GetString() == id).GetProperty("evidence").GetString()!;

    private static void AssertVerdicts(JsonElement report, Dictionary<string, string> expected)
    {
        var actual = report.GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!, f => f);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (id, verdict) in expected)
        {
            Assert.True(actual[id].GetProperty("verdict").GetString() == verdict, $"{id}: expected {verdict}, got {actual[id]}");
            if (verdict != "pass") Assert.NotEmpty(actual[id].GetProperty("fix").GetString()!);
        }
    }
}
