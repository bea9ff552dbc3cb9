using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;
using Appliance.Testing.DBus;

namespace Appliance.Host.Tests.SystemServices;

/// <summary>
/// The maintenance login end to end: the real host against systemd mocked by python3-dbusmock on a private bus writes
/// the keys of <c>systemServices.ssh</c> and starts ssh.service (stops it when off), declares 22/tcp only while SSH is
/// on; then Debian's real sshd, with the image's drop-in and the file the host wrote, lets the right key in and
/// refuses another key and a password.
/// </summary>
public sealed class SshTests : IAsyncLifetime
{
    private static readonly string DropIn = Path.Combine(RepoPaths.Root, "image", "rootfs", "etc", "ssh", "sshd_config.d", "appliance.conf");

    private PrivateBus _bus = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _bus = await PrivateBus.StartAsync();
        await ApplianceMocks.StartSystemdAsync(_bus, "appliance.service", "ssh.service");
        _dir = Directory.CreateTempSubdirectory("appliance-ssh-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string KeysFile => Path.Combine(_dir, "config", "ssh", "authorized_keys");

    private async Task<(string Public, string Private)> KeyAsync(string name)
    {
        var path = Path.Combine(_dir, name);
        var made = await SshdPeer.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path]);
        Assert.True(made.Code == 0, made.Err);
        return ((await File.ReadAllTextAsync(path + ".pub")).Trim(), path);
    }

    private Task<HostProcess> StartHostAsync(JsonObject ssh)
    {
        ssh["authorizedKeysFile"] = KeysFile;
        return HostProcess.StartAsync(Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName, appliance: new JsonObject
        {
            ["systemServices"] = new JsonObject
            {
                ["enabled"] = true,
                ["busAddress"] = _bus.Address,
                ["units"] = new JsonArray("appliance.service", "ssh.service"),
                ["applyTimeAtStart"] = false,
                ["timeCheckSeconds"] = 0,
                ["clockProbe"] = false,
                ["ssh"] = ssh,
            },
            // A site interface, so the compiled (not enforced) ruleset opens what the footprint declares there.
            ["network"] = new JsonObject
            {
                ["firewall"] = new JsonObject
                {
                    ["zones"] = new JsonObject { ["interfaces"] = new JsonArray(new JsonObject { ["name"] = "site0", ["zone"] = "site" }) },
                },
            },
        });
    }

    /// <summary>A keys file as an earlier run with SSH on left it: the host must empty it.</summary>
    private async Task KeysLeftFromEarlierAsync(string key)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeysFile)!);
        await File.WriteAllTextAsync(KeysFile, key + "\n");
    }

    private async Task<string> CallsAsync(string method) =>
        await _bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.SystemdPath, "GetMethodCalls", "s", method);

    /// <summary>The image's sshd settings for this machine: the keys the host wrote, read as root; the test's own host key.</summary>
    private IEnumerable<string> SshdSettings() =>
        File.ReadAllLines(DropIn)
            .Where(l => !l.StartsWith("HostKey ", StringComparison.Ordinal))
            .Select(l => l.StartsWith("AuthorizedKeysCommand ", StringComparison.Ordinal) ? $"AuthorizedKeysCommand /usr/bin/cat {KeysFile}"
                : l.StartsWith("AuthorizedKeysCommandUser ", StringComparison.Ordinal) ? "AuthorizedKeysCommandUser root"
                : l);

    /// <summary>The drop-in's only user (AllowUsers), made on this machine as sysusers.d makes it in the image.</summary>
    private static async Task<string> MaintenanceUserAsync()
    {
        var user = File.ReadAllLines(DropIn).Single(l => l.StartsWith("AllowUsers ", StringComparison.Ordinal))["AllowUsers ".Length..].Trim();
        if ((await SshdPeer.RunAsync("id", [user])).Code != 0)
        {
            var added = await SshdPeer.RunAsync("useradd", ["--system", "--no-create-home", "--home-dir", "/", "--shell", "/bin/bash", user]);
            Assert.True(added.Code == 0, added.Err);
        }
        return user;
    }

    /// <summary>The portal's System page as the administrator (the host's client keeps the login's cookie), HTML-decoded.</summary>
    private static async Task<string> PortalPageAsync(HostProcess host)
    {
        using (var login = await host.Client.PostAsJsonAsync("/auth/login", new { username = HostProcess.AdminUser, password = HostProcess.AdminPassword }))
            Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
        return System.Net.WebUtility.HtmlDecode(await host.Client.GetStringAsync("/System"));
    }

    [Fact]
    public async Task Enabled_the_host_writes_the_keys_starts_ssh_and_sshd_lets_only_that_key_in()
    {
        var (allowed, allowedKey) = await KeyAsync("maint-laptop");
        var (_, otherKey) = await KeyAsync("someone-else");
        await using var host = await StartHostAsync(new JsonObject
        {
            ["enabled"] = true,
            ["authorizedKeys"] = new JsonArray(allowed),
            ["zones"] = new JsonArray("site"),
        });
        await host.LoginAsync();

        await Eventually.UntilAsync(async () => (await CallsAsync("StartUnit")).Contains("ssh.service"), "ssh.service is started", TimeSpan.FromSeconds(20));
        var written = await File.ReadAllLinesAsync(KeysFile);
        Assert.Equal([allowed], written.Where(l => !l.StartsWith('#')));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeysFile));

        var status = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/ssh");
        Assert.True(status.GetProperty("enabled").GetBoolean());
        var key = Assert.Single(status.GetProperty("keys").EnumerateArray().ToList());
        var fingerprint = (await SshdPeer.RunAsync("ssh-keygen", ["-l", "-E", "sha256", "-f", allowedKey + ".pub"])).Out.Split(' ')[1];
        Assert.Equal(fingerprint, key.GetProperty("fingerprint").GetString());
        Assert.Equal("active", status.GetProperty("unit").GetProperty("activeState").GetString());
        Assert.Contains("inbound,tcp,22,site,", await host.Client.GetStringAsync("/api/v1/network/requirements?format=csv"));
        var page = await PortalPageAsync(host);
        Assert.Contains(fingerprint, page);
        Assert.Contains("data-field=\"ssh-enabled\">on<", page);
        Assert.Contains("iifname { \"site0\" } tcp dport 22 accept", await host.Client.GetStringAsync("/api/v1/network/firewall/ruleset"));

        var user = await MaintenanceUserAsync();
        using var sshd = await SshdPeer.StartAsync(SshdSettings());
        var right = await sshd.LoginAsync(user, "true", "-i", allowedKey);
        Assert.True(right.Code == 0, $"login with the authorized key: {right.Err}\n{sshd.Log()}");
        var wrong = await sshd.LoginAsync(user, "true", "-i", otherKey);
        Assert.Equal(255, wrong.Code);
        Assert.Contains("Permission denied (publickey)", wrong.Err);
        var password = await sshd.LoginAsync(user, "true", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive");
        Assert.Equal(255, password.Code);
        Assert.Contains("Permission denied (publickey)", password.Err);
        var root = await sshd.LoginAsync("root", "true", "-i", allowedKey);
        Assert.Equal(255, root.Code);
    }

    [Fact]
    public async Task Off_by_default_ssh_is_stopped_the_file_holds_no_key_and_22_is_not_declared()
    {
        var (allowed, _) = await KeyAsync("maint-laptop");
        await KeysLeftFromEarlierAsync(allowed);
        await using var host = await StartHostAsync(new JsonObject { ["authorizedKeys"] = new JsonArray(allowed) });
        await host.LoginAsync();

        await Eventually.UntilAsync(async () => (await CallsAsync("StopUnit")).Contains("ssh.service"), "ssh.service is stopped", TimeSpan.FromSeconds(20));
        Assert.DoesNotContain(await File.ReadAllLinesAsync(KeysFile), l => !l.StartsWith('#'));
        Assert.DoesNotContain("ssh.service", await CallsAsync("StartUnit"));
        var status = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/ssh");
        Assert.False(status.GetProperty("enabled").GetBoolean());
        Assert.Equal("inactive", status.GetProperty("unit").GetProperty("activeState").GetString());
        Assert.DoesNotContain(",tcp,22,", await host.Client.GetStringAsync("/api/v1/network/requirements?format=csv"));
        Assert.DoesNotContain("dport 22 ", await host.Client.GetStringAsync("/api/v1/network/firewall/ruleset"));
    }

    [Fact]
    public async Task A_refused_key_keeps_ssh_stopped_and_names_the_entry()
    {
        var (allowed, _) = await KeyAsync("maint-laptop");
        await KeysLeftFromEarlierAsync(allowed);
        await using var host = await StartHostAsync(new JsonObject
        {
            ["enabled"] = true,
            ["authorizedKeys"] = new JsonArray(allowed, "command=\"/bin/sh\" " + allowed),
        });
        await host.LoginAsync();

        await Eventually.UntilAsync(async () => (await CallsAsync("StopUnit")).Contains("ssh.service"), "ssh.service is stopped", TimeSpan.FromSeconds(20));
        Assert.DoesNotContain(await File.ReadAllLinesAsync(KeysFile), l => !l.StartsWith('#'));
        var status = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/system/ssh");
        Assert.Contains(status.GetProperty("errors").EnumerateArray(), e => e.GetString()!.Contains("ssh.authorizedKeys[1]") && e.GetString()!.Contains("options"));
        using var apply = await host.Client.PostAsync("/api/v1/system/ssh/apply", null);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, apply.StatusCode);
        Assert.DoesNotContain("ssh.service", await CallsAsync("StartUnit"));
    }

    [Fact]
    public async Task Off_where_ssh_never_ran_nothing_is_written_or_stopped()
    {
        // Installed but never started, as in a fresh image.
        await _bus.MockAsync(ApplianceMocks.Systemd, ApplianceMocks.UnitPath("ssh.service"), "UpdateProperties", "sa{sv}",
            "org.freedesktop.systemd1.Unit", "1", "ActiveState", "s", "inactive");
        await using var host = await StartHostAsync(new JsonObject());
        await host.LoginAsync();

        await Eventually.UntilAsync(async () =>
        {
            var health = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/health");
            return health.GetProperty("components").EnumerateArray().Any(c => c.GetProperty("component").GetString() == "ssh"
                && c.GetProperty("state").GetString() == "healthy" && c.GetProperty("message").GetString()!.Contains("ssh.service not running"));
        }, "the ssh component reports SSH off", TimeSpan.FromSeconds(20));
        Assert.False(File.Exists(KeysFile));
        Assert.DoesNotContain("ssh.service", await CallsAsync("StopUnit"));
    }
}
