using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Onvif.Simulator;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Plugins.Onvif.Facade.Tests;

/// <summary>
/// Issue 12, the VMS side, end to end: the real host (namespace A) with its bundled RTSP ingest, RTSP server and ONVIF
/// plugins pulls a GStreamer camera added by URL. From namespace B, as a VMS on the site network would: npm <c>onvif</c>
/// finds the appliance by WS-Discovery, reads the camera as a profile and its stream URI, ffprobe plays that URI from the
/// appliance's RTSP server with the same user, and a pull-point subscription receives the camera going offline.
/// </summary>
public sealed class FacadeEndToEndTests(ITestOutputHelper output)
{
    private const int FacadePort = 8780;
    private const int RtspServerPort = 8654;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static JsonObject Config() => new()
    {
        ["appliance.onvif"] = new JsonObject
        {
            ["discovery"] = new JsonObject { ["wsDiscovery"] = false, ["mdns"] = false },
            ["facade"] = new JsonObject { ["port"] = FacadePort, ["rtspPort"] = RtspServerPort, ["wsDiscovery"] = true, ["name"] = "E2E Appliance" },
        },
        ["appliance.rtsp"] = new JsonObject { ["healthIntervalSeconds"] = 1, ["reconnect"] = new JsonObject { ["initialSeconds"] = 0.2, ["maxSeconds"] = 1 } },
        ["appliance.rtsp-server"] = new JsonObject { ["port"] = RtspServerPort },
    };

    [Fact]
    public async Task A_VMS_finds_the_appliance_plays_the_camera_s_stream_uri_and_is_told_when_the_camera_goes_offline()
    {
        await NodePeer.EnsureInstalledAsync();
        using var net = NetworkNamespacePair.Create();
        using var camera = await GstRtspServer.StartAsync(8554, address: "127.0.0.1", netns: net.NameA, path: "/demo");
        await using var host = await HostProcess.StartAsync(bundledPlugins: BundledPlugins.Stage(BundledPlugins.RtspIngest, BundledPlugins.RtspServer, BundledPlugins.Onvif), pluginConfig: Config(), netns: net.NameA);
        try
        {
            await host.LoginAsync();
            using var added = await host.Client.PostAsJsonAsync("/api/v1/cameras", new { name = "Lobby", streamUri = camera.Url });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            await Eventually.UntilAsync(async () => (await host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/cameras/{id}/health")).GetProperty("fps").GetDouble() > 5, "the camera streams into the hub", Patience);

            // Discovery and profiles, from the site side.
            await using (var vms = NodePeer.Start(net.NameB, "node", "facade-onvif.js", "discover", HostProcess.AdminUser, HostProcess.AdminPassword))
            {
                var found = await vms.NextJsonAsync(Patience);
                output.WriteLine(found.ToString());
                var device = found.GetProperty("discovered").EnumerateArray().Single();
                Assert.Equal($"http://{net.AddressA}:{FacadePort}/onvif/device_service", device.GetProperty("xaddrs").EnumerateArray().Single().GetString());
                var profile = found.GetProperty("profiles").EnumerateArray().Single().GetString()!;
                var uri = found.GetProperty("streamUris").GetProperty(profile).GetString()!;
                Assert.Equal($"rtsp://{net.AddressA}:{RtspServerPort}/camera/{id}", uri);

                // The stream URI plays from the appliance's RTSP server (Digest, the same user).
                var withUser = uri.Replace("rtsp://", $"rtsp://{HostProcess.AdminUser}:{HostProcess.AdminPassword}@", StringComparison.Ordinal);
                var (code, probe) = await RunAsync("ip", "netns", "exec", net.NameB, "ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                    "-show_entries", "stream=codec_name,width,height", "-of", "json", withUser);
                Assert.True(code == 0, probe);
                var stream = JsonDocument.Parse(probe).RootElement.GetProperty("streams").EnumerateArray().Single();
                Assert.Equal("h264", stream.GetProperty("codec_name").GetString());
                Assert.Equal(1280, stream.GetProperty("width").GetInt32());
            }

            // Events: a pull point on the facade receives the camera going offline.
            await using var subscriber = NodePeer.Start(net.NameB, "node", "facade-onvif.js", "events", net.AddressA.ToString(),
                FacadePort.ToString(System.Globalization.CultureInfo.InvariantCulture), HostProcess.AdminUser, HostProcess.AdminPassword, "SignalLoss");
            Assert.True((await subscriber.NextJsonAsync(Patience)).GetProperty("subscribed").GetBoolean(), subscriber.Error);
            camera.Kill();
            var notification = await subscriber.NextJsonAsync(Patience);
            output.WriteLine(notification.ToString());
            Assert.Equal("tns1:VideoSource/SignalLoss", notification.GetProperty("topic").GetString());
            Assert.StartsWith("vs_", notification.GetProperty("source").EnumerateArray().Single().GetProperty("Value").GetString(), StringComparison.Ordinal);
        }
        catch
        {
            output.WriteLine(host.Log);
            throw;
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
