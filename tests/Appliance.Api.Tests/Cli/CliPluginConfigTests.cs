using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Api.Tests.Support;
using Appliance.Portal.Tests.Support;

namespace Appliance.Api.Tests.Cli;

/// <summary>
/// <c>plugins config get|set</c> and the API under them (GET /api/v1/plugins/{id}/config, PUT .../config/{key}), on the
/// test plugin with a nested setting and a secret added to its manifest.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CliPluginConfigTests(CliHostFixture fixture)
{
    private const string Id = TestPluginPackage.Id;

    [Fact]
    public async Task PluginsConfig_GetShowsDefaultsAndMasksSecrets_SetChangesOneSettingAndRestartsThePlugin()
    {
        var zip = TestPluginPackage.Create(Path.Combine(fixture.Work, "config-zips"), "1.3.0", manifest =>
        {
            var config = manifest["config"]!.AsObject();
            config["limits.count"] = new JsonObject { ["type"] = "integer", ["default"] = 3, ["minimum"] = 1, ["maximum"] = 10, ["description"] = "How many" };
            config["apiKey"] = new JsonObject { ["type"] = "string", ["secret"] = true, ["description"] = "A secret" };
        });
        await fixture.Cli.ExpectAsync(0, ["plugins", "install", zip]);
        try
        {
            var all = await fixture.Cli.ExpectAsync(0, ["plugins", "config", "get", Id]);
            Assert.Matches(@"(?m)^KEY\s+VALUE$", all.Stdout);
            Assert.Matches(@"(?m)^greeting\s+\S+", all.Stdout);
            Assert.Matches(@"(?m)^limits\.count\s+3$", all.Stdout);
            Assert.Equal("3", (await fixture.Cli.ExpectAsync(0, ["plugins", "config", "get", Id, "limits.count"])).Stdout.Trim());

            var set = await fixture.Cli.ExpectAsync(0, ["plugins", "config", "set", Id, "greeting", "hi+there"]);
            Assert.Equal($"configured {Id} 1.3.0: Running", set.Stdout.Trim());
            Assert.Equal($"hi+there from {Id}", await fixture.Host.Client.GetStringAsync($"/plugins/{Id}/hello"));
            await fixture.Cli.ExpectAsync(0, ["plugins", "config", "set", Id, "limits.count", "5"]);
            await fixture.Cli.ExpectAsync(0, ["plugins", "config", "set", Id, "apiKey", "--value-stdin"], stdin: "s3cret-value\n");

            // Each set changed one setting and kept the others; the secret is never shown back.
            var view = JsonDocument.Parse((await fixture.Cli.ExpectAsync(0, ["plugins", "config", "get", Id, "--json"])).Stdout).RootElement;
            Assert.Equal("hi+there", view.GetProperty("config").GetProperty("greeting").GetString());
            Assert.Equal(5, view.GetProperty("config").GetProperty("limits").GetProperty("count").GetInt32());
            Assert.Equal(JsonValueKind.Null, view.GetProperty("config").GetProperty("apiKey").ValueKind);
            Assert.Equal(["apiKey"], view.GetProperty("secretsSet").EnumerateArray().Select(e => e.GetString()));
            var text = await fixture.Cli.ExpectAsync(0, ["plugins", "config", "get", Id]);
            Assert.Matches(@"(?m)^apiKey\s+\(secret, set\)$", text.Stdout);
            Assert.DoesNotContain("s3cret-value", text.Stdout + view.GetRawText());

            // Refused by the schema, an unknown key, a missing plugin: exit 1 with the reason; nothing changed.
            Assert.Contains("limits.count", (await fixture.Cli.ExpectAsync(1, ["plugins", "config", "set", Id, "limits.count", "50"])).Stderr);
            Assert.Matches("config.nope: .*nope.* is not a setting of this plugin", (await fixture.Cli.ExpectAsync(1, ["plugins", "config", "set", Id, "nope", "1"])).Stderr);
            Assert.Contains("is not a setting key", (await fixture.Cli.ExpectAsync(1, ["plugins", "config", "set", Id, "limits..count", "1"])).Stderr);
            Assert.Contains("has no setting 'nope'", (await fixture.Cli.ExpectAsync(1, ["plugins", "config", "get", Id, "nope"])).Stderr);
            Assert.Contains("404 plugin 'no.such-plugin' is not installed", (await fixture.Cli.ExpectAsync(1, ["plugins", "config", "get", "no.such-plugin"])).Stderr);
            await fixture.Cli.ExpectAsync(2, ["plugins", "config", "set", Id, "greeting"]);
            Assert.Equal("5", (await fixture.Cli.ExpectAsync(0, ["plugins", "config", "get", Id, "limits.count"])).Stdout.Trim());

            Assert.Contains("'greeting.sub': a part of it holds a value", (await fixture.Cli.ExpectAsync(1, ["plugins", "config", "set", Id, "greeting.sub", "1"])).Stderr);
            Assert.Contains("is not a setting key", (await fixture.Cli.ExpectAsync(1, ["plugins", "config", "set", Id, ".greeting", "1"])).Stderr);

            // Text that only starts like JSON stays text.
            foreach (var greeting in new[] { "1st floor", "{not json", "[door] open", "-" })
            {
                await fixture.Cli.ExpectAsync(0, ["plugins", "config", "set", Id, "greeting", greeting]);
                Assert.Equal($"{greeting} from {Id}", await fixture.Host.Client.GetStringAsync($"/plugins/{Id}/hello"));
            }

            // --string keeps text that reads as a number as text.
            await fixture.Cli.ExpectAsync(0, ["plugins", "config", "set", Id, "greeting", "42", "--string"]);
            Assert.Equal($"42 from {Id}", await fixture.Host.Client.GetStringAsync($"/plugins/{Id}/hello"));
            Assert.Contains("greeting", (await fixture.Cli.ExpectAsync(1, ["plugins", "config", "set", Id, "greeting", "42"])).Stderr);
        }
        finally
        {
            await fixture.Cli.ExpectAsync(0, ["plugins", "remove", Id]);
        }
    }

    [Fact]
    public async Task PluginConfigApi_NeedsAnAdminToken_AndABodyWithAValue()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { BaseAddress = fixture.Host.BaseUri };
        using (var get = await anonymous.GetAsync($"/api/v1/plugins/{Id}/config"))
            Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
        using (var put = await anonymous.PutAsJsonAsync($"/api/v1/plugins/{Id}/config/greeting", new { value = "x" }))
            Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        using (var noValue = await fixture.Host.Client.PutAsJsonAsync($"/api/v1/plugins/{Id}/config/greeting", new { other = "x" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noValue.StatusCode);
            Assert.Contains("must be a JSON object", await noValue.Content.ReadAsStringAsync());
        }
    }
}
