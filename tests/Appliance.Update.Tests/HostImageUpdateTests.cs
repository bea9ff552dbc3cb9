using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;
using Appliance.Testing.DBus;

namespace Appliance.Update.Tests;

/// <summary>
/// The real host process updating its image through RAUC's installer interface on a private bus (the dbusmock
/// template whose checks are the real rauc's, writing file-backed slots) and logind (for the reboot): a bundle
/// uploaded through the API is checked, installed into the inactive slot, and after the (simulated) reboot the slot
/// is marked good once the host is healthy, or bad when a plugin stays down past the deadline; a fallback of the
/// bootloader to the old slot is reported there. Every boot marks the running slot good. Refused bundles
/// leave the slots untouched.
/// </summary>
public sealed class HostImageUpdateTests : IAsyncLifetime
{
    private BundleRig _rig = null!;
    private PrivateBus _bus = null!;
    private HostProcess _host = null!;
    private string _versionFile = null!;

    private string Slots => _rig.PathOf("slots");

    public async Task InitializeAsync()
    {
        _rig = await BundleRig.CreateAsync();
        Directory.CreateDirectory(Slots);
        _versionFile = _rig.PathOf("image-version");
        await File.WriteAllTextAsync(_versionFile, "1.0.0\n");
        _bus = await PrivateBus.StartAsync();
        await ApplianceMocks.StartRaucAsync(_bus, _rig.CaCert, Slots, version: "1.0.0");
        await ApplianceMocks.StartLogindAsync(_bus);
        _host = await HostProcess.StartAsync(appliance: new JsonObject
        {
            ["systemServices"] = new JsonObject
            {
                ["enabled"] = true,
                ["busAddress"] = _bus.Address,
                ["applyTimeAtStart"] = false,
                ["timeCheckSeconds"] = 0,
            },
            ["imageUpdates"] = new JsonObject
            {
                ["enabled"] = true,
                ["keyring"] = _rig.CaCert,
                ["versionFile"] = _versionFile,
                ["markGoodDeadlineSeconds"] = 4,
                ["bootCheckSeconds"] = 0.2,
            },
        });
        await _host.LoginAsync();
        _host.Client.DefaultRequestHeaders.Add("X-Reauth-Password", HostProcess.AdminPassword);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _bus.DisposeAsync();
        _rig.Dispose();
    }

    [Fact]
    public async Task An_uploaded_bundle_is_installed_and_after_the_reboot_the_healthy_slot_is_marked_good()
    {
        var accepted = await UploadAsync(await BundleAsync("1.1.0"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        var installed = await UntilStateAsync("installed");
        Assert.Equal("1.1.0", installed.GetProperty("last").GetProperty("version").GetString());
        Assert.Equal("rootfs.1", installed.GetProperty("last").GetProperty("slot").GetString());
        Assert.Equal("1.1.0", Slot(installed, "rootfs.1").GetProperty("bundleVersion").GetString());
        Assert.Equal(await File.ReadAllBytesAsync(_rig.RootFs), await File.ReadAllBytesAsync(Path.Combine(Slots, "rootfs.1")));

        await RebootIntoAsync("1.1.0");

        var good = await UntilStateAsync("good");
        Assert.Equal("1.1.0", good.GetProperty("runningVersion").GetString());
        Assert.Equal("good", Slot(good, "rootfs.1").GetProperty("bootStatus").GetString());
        Assert.Equal("booted", Slot(good, "rootfs.1").GetProperty("state").GetString());
        await AssertEventAsync("good");
    }

    [Fact]
    public async Task Every_boot_ends_the_running_slots_attempt_by_marking_it_good_once_the_host_has_started()
    {
        // The rig booted rootfs.0 without an update: GRUB counted an attempt (no boot status yet).
        var status = await Eventually.ValueAsync(() => _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/image"),
            s => Slot(s, "rootfs.0").GetProperty("bootStatus").GetString() == "good",
            "the booted slot marked good", TimeSpan.FromSeconds(60), () => _host.Log, TimeSpan.FromMilliseconds(200));
        Assert.Equal("booted", Slot(status, "rootfs.0").GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("last").ValueKind);
    }

    [Fact]
    public async Task When_the_new_slot_never_comes_up_the_bootloader_falls_back_and_the_old_slot_reports_the_failed_update()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(await BundleAsync("1.1.0"))).StatusCode);
        await UntilStateAsync("installed");

        // The new slot's host never started, its attempt ended: GRUB boots the old slot (still version 1.0.0).
        await _host.StopAsync();
        await _bus.MockAsync(ApplianceMocks.Rauc, "/", "SimulateFallback", "");
        await _host.StartAgainAsync();
        await _host.LoginAsync();

        var failed = await UntilStateAsync("failed");
        Assert.Contains("booted rootfs.0, not the updated rootfs.1: the bootloader fell back", failed.GetProperty("last").GetProperty("reason").GetString());
        Assert.Equal("1.0.0", failed.GetProperty("runningVersion").GetString());
        Assert.Equal("bad", Slot(failed, "rootfs.1").GetProperty("bootStatus").GetString());
        var settled = await Eventually.ValueAsync(() => _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/image"),
            s => Slot(s, "rootfs.0").GetProperty("bootStatus").GetString() == "good",
            "the old slot marked good again", TimeSpan.FromSeconds(60), () => _host.Log, TimeSpan.FromMilliseconds(200));
        Assert.Equal("booted", Slot(settled, "rootfs.0").GetProperty("state").GetString());
        // Marked bad, the failed slot is no longer the bootloader's first choice.
        Assert.Contains("\"rootfs.0\"", await _bus.BusctlOrThrowAsync("call", ApplianceMocks.Rauc, "/", "de.pengutronix.rauc.Installer", "GetPrimary"));
        await AssertEventAsync("failed");
    }

    [Fact]
    public async Task A_slot_whose_plugin_stays_down_is_marked_bad_after_the_deadline_and_the_appliance_reboots()
    {
        using (var zip = new ByteArrayContent(await TestPluginBuilder.ProbeZipAsync("test.broken", "1.0.0", new JsonObject { ["mode"] = "throw" })))
        {
            zip.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
            using var response = await _host.Client.PostAsync("/api/v1/plugins", zip);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(await BundleAsync("1.1.0"))).StatusCode);
        await UntilStateAsync("installed");

        await RebootIntoAsync("1.1.0");

        var failed = await UntilStateAsync("failed");
        var reason = failed.GetProperty("last").GetProperty("reason").GetString();
        Assert.Contains("not healthy 4 s after boot", reason);
        Assert.Contains("plugin test.broken", reason);
        Assert.Equal("bad", Slot(failed, "rootfs.1").GetProperty("bootStatus").GetString());
        Assert.Contains("Reboot", _bus.Log);
        await AssertEventAsync("failed");

        // The portal's System page shows the failed update and its reason.
        var page = await _host.Client.GetStringAsync("/System");
        Assert.Contains("id=\"image-last\"", page);
        Assert.Contains("plugin test.broken", page);
        Assert.Contains("<span data-field=\"state\">failed</span>", page);
    }

    [Fact]
    public async Task Refused_bundles_name_their_reason_and_leave_the_slots_untouched()
    {
        var before = await File.ReadAllBytesAsync(Path.Combine(Slots, "rootfs.1"));

        var foreign = await BundleAsync("1.1.0", compatible: "appliance-jetson");
        var response = await UploadAsync(foreign);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is for 'appliance-jetson'", await response.Content.ReadAsStringAsync());

        var older = await BundleAsync("0.9.0");
        response = await UploadAsync(older);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("must be forced", await response.Content.ReadAsStringAsync());

        var signed = await File.ReadAllBytesAsync(await BundleAsync("1.1.0"));
        signed[^100] ^= 0xFF;
        var tampered = _rig.PathOf("tampered.raucb");
        await File.WriteAllBytesAsync(tampered, signed);
        response = await UploadAsync(tampered);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("signature verification failed", await response.Content.ReadAsStringAsync());

        using (var empty = new ByteArrayContent([]))
            Assert.Equal(HttpStatusCode.BadRequest, (await _host.Client.PostAsync("/api/v1/system/image", empty)).StatusCode);

        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(Slots, "rootfs.1")));
        var status = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/image");
        Assert.Equal(JsonValueKind.Null, status.GetProperty("last").ValueKind);
        Assert.Empty(Directory.GetFiles(Path.Combine(_host.DataDirectory, "image-updates")));

        // Forced, the older bundle is taken; its payload is what RAUC then checks.
        response = await UploadAsync(older, force: true);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("0.9.0", (await UntilStateAsync("installed")).GetProperty("last").GetProperty("version").GetString());
    }

    [Fact]
    public async Task A_bundle_whose_payload_rauc_finds_corrupted_fails_the_update_with_raucs_reason()
    {
        var bytes = await File.ReadAllBytesAsync(await BundleAsync("1.1.0"));
        bytes[bytes.Length / 3] ^= 0xFF;
        var corrupted = _rig.PathOf("corrupted.raucb");
        await File.WriteAllBytesAsync(corrupted, bytes);
        var before = await File.ReadAllBytesAsync(Path.Combine(Slots, "rootfs.1"));

        Assert.Equal(HttpStatusCode.Accepted, (await UploadAsync(corrupted)).StatusCode);

        var failed = await UntilStateAsync("failed");
        Assert.Contains("payload is corrupted", failed.GetProperty("last").GetProperty("reason").GetString());
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(Slots, "rootfs.1")));
    }

    private async Task<string> BundleAsync(string version, string compatible = "appliance-amd64")
    {
        var bundle = _rig.PathOf($"{compatible}-{version}.raucb");
        if (!File.Exists(bundle)) (await _rig.BuildAsync(bundle, version, compatible)).EnsureSuccess();
        return bundle;
    }

    private async Task<HttpResponseMessage> UploadAsync(string bundle, bool force = false)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(bundle));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await _host.Client.PostAsync("/api/v1/system/image" + (force ? "?force=true" : ""), content);
    }

    /// <summary>The bootloader takes the primary slot; the new image says its version; the host starts again.</summary>
    private async Task RebootIntoAsync(string version)
    {
        await _host.StopAsync();
        await _bus.MockAsync(ApplianceMocks.Rauc, "/", "SimulateReboot", "");
        await File.WriteAllTextAsync(_versionFile, version + "\n");
        await _host.StartAgainAsync();
        await _host.LoginAsync();
    }

    private Task<JsonElement> UntilStateAsync(string state) =>
        Eventually.ValueAsync(() => _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/image"),
            status => status.GetProperty("last") is { ValueKind: JsonValueKind.Object } last && last.GetProperty("state").GetString() == state,
            $"the image update reaching '{state}'", TimeSpan.FromSeconds(90), () => _host.Log, TimeSpan.FromMilliseconds(200));

    private static JsonElement Slot(JsonElement status, string name) =>
        status.GetProperty("slots").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    private async Task AssertEventAsync(string state)
    {
        var events = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/events?type=ImageUpdateChanged&limit=20");
        Assert.Contains(events.EnumerateArray(), e => e.ToString().Contains($"\"{state}\"", StringComparison.Ordinal));
    }
}
