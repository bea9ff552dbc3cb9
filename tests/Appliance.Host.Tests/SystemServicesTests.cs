using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;
using Appliance.Testing.DBus;

namespace Appliance.Host.Tests;

/// <summary>
/// The real host against systemd, timedated, hostnamed, logind and NetworkManager mocked by python3-dbusmock on a
/// private bus: the API shows units, time and network settings from them, and changes them (network with revert).
/// </summary>
public sealed class SystemServicesTests : IAsyncLifetime
{
    private const string Eth0 = "eth0";
    private PrivateBus _bus = null!;
    private HostProcess _host = null!;
    private string _dropIn = null!;

    public async Task InitializeAsync()
    {
        _bus = await PrivateBus.StartAsync();
        await ApplianceMocks.StartSystemdAsync(_bus, "appliance.service", "systemd-timesyncd.service");
        await ApplianceMocks.StartTimedatedAsync(_bus, "Europe/Vienna");
        await ApplianceMocks.StartHostnamedAsync(_bus, "appliance-test");
        await ApplianceMocks.StartLogindAsync(_bus);
        await ApplianceMocks.StartNetworkManagerAsync(_bus, Eth0);
        var data = Directory.CreateTempSubdirectory("appl-host-").FullName;
        _dropIn = Path.Combine(data, "timesyncd.conf.d", "appliance.conf");
        _host = await HostProcess.StartAsync(data, appliance: new JsonObject
        {
            ["systemServices"] = new JsonObject
            {
                ["enabled"] = true,
                ["busAddress"] = _bus.Address,
                ["units"] = new JsonArray("appliance.service", "systemd-timesyncd.service"),
                ["restartableUnits"] = new JsonArray("systemd-timesyncd.service"),
                ["timesyncdDropIn"] = _dropIn,
                ["timeCheckSeconds"] = 1,
                ["clockProbe"] = false,
                ["networkRevertSeconds"] = 2,
                ["journalctlPath"] = "/nonexistent/journalctl",
            },
            ["network"] = new JsonObject { ["ntpServers"] = new JsonArray("ntp1.example.test", "192.0.2.123") },
        });
        await _host.LoginAsync();
        _host.Client.DefaultRequestHeaders.Add("X-Reauth-Password", HostProcess.AdminPassword);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _bus.DisposeAsync();
    }

    [Fact]
    public async Task The_api_shows_units_time_and_network_settings_from_the_bus()
    {
        var units = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/units");
        var timesyncd = units.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "systemd-timesyncd.service");
        Assert.Equal("active", timesyncd.GetProperty("activeState").GetString());
        Assert.Equal("running", timesyncd.GetProperty("subState").GetString());
        Assert.True(timesyncd.GetProperty("restartable").GetBoolean());
        Assert.False(units.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "appliance.service").GetProperty("restartable").GetBoolean());

        var time = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/time");
        Assert.Equal("Europe/Vienna", time.GetProperty("timezone").GetString());
        Assert.True(time.GetProperty("ntpSynchronized").GetBoolean());

        var network = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/network");
        var eth0 = network.GetProperty("interfaces").EnumerateArray().Single();
        Assert.Equal(Eth0, eth0.GetProperty("interface").GetString());
        Assert.Equal("dhcp", eth0.GetProperty("settings").GetProperty("method").GetString());

        var hostname = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/hostname");
        Assert.Equal("appliance-test", hostname.GetProperty("staticHostname").GetString());

        var openApi = await _host.Client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/system/network/{interface}", openApi);
        Assert.Contains("/api/v1/system/units/{name}/restart", openApi);
    }

    [Fact]
    public async Task The_ntp_servers_are_written_for_timesyncd_which_is_restarted_and_time_is_in_health()
    {
        await Eventually.UntilAsync(() => Task.FromResult(File.Exists(_dropIn)), "the drop-in is written at start", TimeSpan.FromSeconds(15));
        Assert.Contains("NTP=ntp1.example.test 192.0.2.123", await File.ReadAllTextAsync(_dropIn));
        // systemd-timesyncd runs as its own user: the host's umask (077) must not hide the drop-in from it.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(_dropIn));
        Assert.Contains("systemd-timesyncd.service", await _bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.SystemdPath, "GetMethodCalls", "s", "RestartUnit"));
        Assert.Contains("b true", await _bus.MockAsync("org.freedesktop.timedate1", "/org/freedesktop/timedate1", "GetMethodCalls", "s", "SetNTP"));

        // NTP turned off: the health component 'time' warns within the check period.
        using var off = await _host.Client.PutAsJsonAsync("/api/v1/system/time", new { ntp = false });
        Assert.True(off.IsSuccessStatusCode, await off.Content.ReadAsStringAsync());
        await Eventually.UntilAsync(async () =>
        {
            var health = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/health");
            return health.GetProperty("components").EnumerateArray().Any(c =>
                c.GetProperty("component").GetString() == "time" && c.GetProperty("state").GetString() == "degraded"
                && c.GetProperty("message").GetString()!.Contains("NTP) is off"));
        }, "the time component reports NTP off", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task An_unconfirmed_network_change_is_reverted_and_a_confirmed_one_kept()
    {
        using var applied = await _host.Client.PutAsJsonAsync($"/api/v1/system/network/{Eth0}",
            new { method = "static", addresses = new[] { "192.0.2.10/24" }, gateway = "192.0.2.1", dns = new[] { "192.0.2.53" } });
        Assert.True(applied.IsSuccessStatusCode, await applied.Content.ReadAsStringAsync());
        var during = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/network");
        Assert.Equal("static", during.GetProperty("interfaces")[0].GetProperty("settings").GetProperty("method").GetString());
        Assert.Equal(Eth0, during.GetProperty("pending").GetProperty("interface").GetString());
        using (var second = await _host.Client.PutAsJsonAsync($"/api/v1/system/network/{Eth0}", new { method = "dhcp" }))
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        // Nobody confirms: after the revert time (2 s here) DHCP is back.
        await Eventually.UntilAsync(async () =>
        {
            var now = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/network");
            // The revert is done when its outcome is recorded (after NetworkManager already shows DHCP again).
            return now.GetProperty("interfaces")[0].GetProperty("settings").GetProperty("method").GetString() == "dhcp"
                && now.GetProperty("pending").ValueKind == JsonValueKind.Null
                && now.GetProperty("lastRevert").ValueKind == JsonValueKind.String;
        }, "the change is reverted", TimeSpan.FromSeconds(15));
        var after = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/network");
        Assert.Contains("not confirmed", after.GetProperty("lastRevert").GetString());
        var raw = await _bus.BusctlOrThrowAsync("call", ApplianceMocks.NetworkManager, "/org/freedesktop/NetworkManager/Settings/0",
            "org.freedesktop.NetworkManager.Settings.Connection", "GetSettings");
        Assert.Contains("\"auto\"", raw);

        // Confirmed in time: it stays past the revert time.
        using (var again = await _host.Client.PutAsJsonAsync($"/api/v1/system/network/{Eth0}", new { method = "static", addresses = new[] { "198.51.100.7/24" } }))
            Assert.True(again.IsSuccessStatusCode, await again.Content.ReadAsStringAsync());
        using (var confirm = await _host.Client.PostAsync("/api/v1/system/network/confirm", null))
            Assert.True(confirm.IsSuccessStatusCode);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var kept = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/network");
        Assert.Equal("198.51.100.7/24", kept.GetProperty("interfaces")[0].GetProperty("settings").GetProperty("addresses")[0].GetString());
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_the_reason()
    {
        using var badAddress = await _host.Client.PutAsJsonAsync($"/api/v1/system/network/{Eth0}", new { method = "static", addresses = new[] { "192.0.2.10" } });
        Assert.Equal(HttpStatusCode.BadRequest, badAddress.StatusCode);
        Assert.Contains("no prefix length", await badAddress.Content.ReadAsStringAsync());

        using var unknown = await _host.Client.PutAsJsonAsync("/api/v1/system/network/wlan7", new { method = "dhcp" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var notRestartable = await _host.Client.PostAsync("/api/v1/system/units/appliance.service/restart", null);
        Assert.Equal(HttpStatusCode.Forbidden, notRestartable.StatusCode);

        using var noJournal = await _host.Client.GetAsync("/api/v1/system/units/appliance.service/journal");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, noJournal.StatusCode);
        Assert.Contains("journalctl cannot be run", await noJournal.Content.ReadAsStringAsync());

        using var badZone = await _host.Client.PutAsJsonAsync("/api/v1/system/time", new { timezone = "../../etc/shadow" });
        Assert.Equal(HttpStatusCode.BadRequest, badZone.StatusCode);
    }

    [Fact]
    public async Task Restart_reboot_and_power_off_reach_systemd_and_logind_only_when_confirmed()
    {
        using var restart = await _host.Client.PostAsync("/api/v1/system/units/systemd-timesyncd.service/restart", null);
        Assert.True(restart.IsSuccessStatusCode, await restart.Content.ReadAsStringAsync());
        Assert.Contains("/org/freedesktop/systemd1/job/", await restart.Content.ReadAsStringAsync());

        using var unconfirmed = await _host.Client.PostAsJsonAsync("/api/v1/system/reboot", new { confirm = "yes" });
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Equal("a(tav) 0", (await _bus.MockAsync("org.freedesktop.login1", "/org/freedesktop/login1", "GetMethodCalls", "s", "Reboot")).Trim());

        using var reboot = await _host.Client.PostAsJsonAsync("/api/v1/system/reboot", new { confirm = "reboot" });
        Assert.True(reboot.IsSuccessStatusCode, await reboot.Content.ReadAsStringAsync());
        using var poweroff = await _host.Client.PostAsJsonAsync("/api/v1/system/poweroff", new { confirm = "poweroff" });
        Assert.True(poweroff.IsSuccessStatusCode, await poweroff.Content.ReadAsStringAsync());
        Assert.StartsWith("a(tav) 1", (await _bus.MockAsync("org.freedesktop.login1", "/org/freedesktop/login1", "GetMethodCalls", "s", "Reboot")).Trim());
        Assert.StartsWith("a(tav) 1", (await _bus.MockAsync("org.freedesktop.login1", "/org/freedesktop/login1", "GetMethodCalls", "s", "PowerOff")).Trim());
    }

    [Fact]
    public async Task The_support_bundle_says_why_the_journal_is_missing_when_journalctl_cannot_run()
    {
        using var response = await _host.Client.GetAsync("/api/v1/system/support-bundle");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var files = TarGzFiles.Read(await response.Content.ReadAsByteArrayAsync());
        Assert.DoesNotContain("logs/host.log", files.Keys);
        Assert.Contains("versions.json", files.Keys);
        Assert.Contains("logs/host.log is missing: the journal of appliance.service could not be read (journalctl cannot be run", System.Text.Encoding.UTF8.GetString(files["README.txt"]));
    }

    [Fact]
    public async Task The_portal_page_shows_units_time_and_network_and_confirms_a_pending_change()
    {
        using var portal = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            AllowAutoRedirect = false,
        })
        { BaseAddress = _host.BaseUri };
        using (var login = await portal.PostAsJsonAsync("/auth/login", new { username = HostProcess.AdminUser, password = HostProcess.AdminPassword }))
            Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());

        var page = await portal.GetStringAsync("/System");
        Assert.Contains("data-unit=\"systemd-timesyncd.service\"", page);
        Assert.Contains("active (running)", page);
        Assert.Contains("Europe/Vienna", page);
        Assert.Contains("data-interface=\"eth0\"", page);
        Assert.DoesNotContain("id=\"network-pending\"", page);
        Assert.Contains("href=\"/api/v1/system/support-bundle\"", page);

        using (var applied = await _host.Client.PutAsJsonAsync($"/api/v1/system/network/{Eth0}", new { method = "static", addresses = new[] { "203.0.113.5/24" } }))
            Assert.True(applied.IsSuccessStatusCode, await applied.Content.ReadAsStringAsync());
        page = await portal.GetStringAsync("/System");
        Assert.Contains("id=\"network-pending\"", page);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        using (var confirm = await portal.PostAsync("/System?handler=Confirm", new FormUrlEncodedContent([new("__RequestVerificationToken", token)])))
            Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);

        var network = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/network");
        Assert.Equal(JsonValueKind.Null, network.GetProperty("pending").ValueKind);
        await Task.Delay(TimeSpan.FromSeconds(3));
        network = await _host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/network");
        Assert.Equal("203.0.113.5/24", network.GetProperty("interfaces")[0].GetProperty("settings").GetProperty("addresses")[0].GetString());
    }
}
