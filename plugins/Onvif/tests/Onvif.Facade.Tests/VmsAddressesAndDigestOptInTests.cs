using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Plugins.Onvif.Facade.Tests;

/// <summary>
/// Issue 12 item 3 and the WS-Security opt-in, through the real host (loopback) with the RTSP server and ONVIF plugins:
/// <c>GET /api/v1/cameras/urls</c> and <c>appliancectl cameras urls</c> name each camera's RTSP URL and the ONVIF device
/// service on the plugins' configured ports; only an admin may give a user an ONVIF password (a viewer gets 403 from the
/// host, an unknown user 404); with it node-onvif logs in through the host's sealed plugin secrets, which keep no plain
/// copy on disk.
/// </summary>
public sealed class VmsAddressesAndDigestOptInTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_VMS_installer_gets_each_camera_s_addresses_and_an_admin_opts_a_user_in_for_node_onvif()
    {
        await NodePeer.EnsureInstalledAsync();
        var facadePort = FreePort.Tcp();
        var rtspPort = FreePort.Tcp();
        var config = new JsonObject
        {
            ["appliance.onvif"] = new JsonObject
            {
                ["discovery"] = new JsonObject { ["wsDiscovery"] = false, ["mdns"] = false },
                ["facade"] = new JsonObject { ["port"] = facadePort, ["bindAddress"] = "127.0.0.1", ["rtspPort"] = rtspPort, ["wsDiscovery"] = false },
            },
            ["appliance.rtsp-server"] = new JsonObject { ["port"] = rtspPort },
        };
        await using var host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.RtspServer, BundledPlugins.Onvif), pluginConfig: config);
        try
        {
            await host.LoginAsync();
            using var added = await host.Client.PostAsJsonAsync("/api/v1/cameras", new { name = "Gate", streamUri = "rtsp://127.0.0.1:9/gate" });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            foreach (var plugin in new[] { "appliance.onvif", "appliance.rtsp-server" })
                await Eventually.UntilAsync(async () => (await host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/plugins/{plugin}")).GetProperty("state").GetString() == "Running", plugin + " runs", Patience);

            // The API: one line per camera, ports from the plugins' configuration, host as the client used it.
            var urls = (await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/cameras/urls")).EnumerateArray().Single();
            Assert.Equal(id, urls.GetProperty("id").GetString());
            Assert.Equal($"rtsp://127.0.0.1:{rtspPort}/camera/{id}", urls.GetProperty("rtspUrl").GetString());
            Assert.Equal($"http://127.0.0.1:{facadePort}/onvif/device_service", urls.GetProperty("onvifAddress").GetString());
            Assert.Equal("p_" + id, urls.GetProperty("onvifProfile").GetString());

            // The CLI prints the same, as a line and as JSON.
            var adminToken = host.Client.DefaultRequestHeaders.Authorization!.Parameter!;
            var line = await CliAsync(host, adminToken, "cameras", "urls");
            Assert.Equal(0, line.Code);
            Assert.Matches($@"(?m)^{id}\s+Gate\s+rtsp://127\.0\.0\.1:{rtspPort}/camera/{id}\s+http://127\.0\.0\.1:{facadePort}/onvif/device_service\s*$", line.Stdout);
            var json = await CliAsync(host, adminToken, "cameras", "urls", "--json");
            Assert.Equal($"rtsp://127.0.0.1:{rtspPort}/camera/{id}", JsonDocument.Parse(json.Stdout).RootElement[0].GetProperty("rtspUrl").GetString());

            // A viewer reads the addresses but may not give anyone an ONVIF password.
            using (var created = await host.Client.PostAsJsonAsync("/api/v1/users", new { username = "vms", password = "Night-Harbor-lamp-42", role = "viewer" }))
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            using var viewer = ViewerClient(host, await TokenAsync(host, "vms", "Night-Harbor-lamp-42"));
            Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/cameras/urls")).StatusCode);
            var optInPath = "/plugins/appliance.onvif/facade/ws-security-users/vms";
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsJsonAsync(optInPath, new { password = "vms-onvif-secret" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/plugins/appliance.onvif/facade/ws-security-users")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await host.Client.PutAsJsonAsync("/plugins/appliance.onvif/facade/ws-security-users/nobody", new { password = "x-secret" })).StatusCode);

            var device = $"http://127.0.0.1:{facadePort}/onvif/device_service";
            await using (var before = NodePeer.Start(null, "node", "facade-node-onvif.js", "connect", device, "vms", "vms-onvif-secret"))
                Assert.Equal(2, await before.ExitAsync(Patience));

            using (var put = await host.Client.PutAsJsonAsync(optInPath, new { password = "vms-onvif-secret" }))
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var listed = await host.Client.GetFromJsonAsync<JsonElement>("/plugins/appliance.onvif/facade/ws-security-users");
            Assert.Equal(["vms"], listed.GetProperty("users").EnumerateArray().Select(u => u.GetString()));

            await using (var peer = NodePeer.Start(null, "node", "facade-node-onvif.js", "connect", device, "vms", "vms-onvif-secret"))
            {
                var result = await peer.NextJsonAsync(Patience);
                var profile = result.GetProperty("profiles").EnumerateArray().Single();
                Assert.Equal("p_" + id, profile.GetProperty("token").GetString());
                Assert.Equal($"rtsp://127.0.0.1:{rtspPort}/camera/{id}", profile.GetProperty("rtsp").GetString());
            }

            // Sealed at rest: the ONVIF password is nowhere in the data directory as plain text.
            foreach (var file in Directory.EnumerateFiles(host.DataDirectory, "*", SearchOption.AllDirectories))
            {
                byte[] bytes;
                try { bytes = await File.ReadAllBytesAsync(file); } catch (IOException) { continue; }
                Assert.False(bytes.AsSpan().IndexOf("vms-onvif-secret"u8) >= 0, $"{file} holds the ONVIF password in plain text");
            }

            using (var removed = await host.Client.DeleteAsync(optInPath))
                Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
            await using (var after = NodePeer.Start(null, "node", "facade-node-onvif.js", "connect", device, "vms", "vms-onvif-secret"))
                Assert.Equal(2, await after.ExitAsync(Patience));
        }
        catch
        {
            output.WriteLine(host.Log);
            throw;
        }
    }

    private static async Task<string> TokenAsync(HostProcess host, string user, string password)
    {
        using var anonymous = ViewerClient(host, null);
        using var response = await anonymous.PostAsJsonAsync("/auth/token", new { username = user, password, label = "tests" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static HttpClient ViewerClient(HostProcess host, string? token)
    {
        var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, UseProxy = false }) { BaseAddress = host.BaseUri };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<(int Code, string Stdout)> CliAsync(HostProcess host, string token, params string[] args)
    {
        var dll = Path.Combine(RepoPaths.Root, "tools", "Appliancectl", "bin", RepoPaths.Configuration, "net10.0", "appliancectl.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[dll, .. args, "--url", host.BaseUri.GetLeftPart(UriPartial.Authority), "--token", token, "--insecure"]) info.ArgumentList.Add(a);
        info.Environment["APPLIANCECTL_CONFIG"] = Path.Combine(host.DataDirectory, "cli-config.json");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout) + (process.ExitCode == 0 ? "" : await stderr));
    }
}
