using System.Text.Json;
using System.Text.RegularExpressions;

namespace Appliance.Image.Tests;

/// <summary>What the image is built from (image/): packages, secrets, configuration, RAUC, the nftables filter.</summary>
public sealed class ContentTests
{
    [Theory]
    [InlineData("amd64")]
    [InlineData("arm64")]
    public void Every_listed_package_is_allowed(string arch)
    {
        var rules = PackageRules.FromImage();
        var refused = PackageRules.Listed(arch).Where(p => !rules.Allowed(p)).ToList();
        Assert.True(refused.Count == 0, "not allowed: " + string.Join(", ", refused));
    }

    [Theory]
    [InlineData("gcc", false)]
    [InlineData("gcc-12", false)]
    [InlineData("g++-12", false)]
    [InlineData("libc6-dev", false)]
    [InlineData("openssh-server", true)]
    [InlineData("dropbear-bin", false)]
    [InlineData("python3", false)]
    [InlineData("gcc-12-base", true)]
    [InlineData("libavcodec59", true)]
    [InlineData("nftables", true)]
    [InlineData("some-daemon", false)]
    public void Rules_refuse_compilers_and_unknown_packages(string package, bool allowed) =>
        Assert.Equal(allowed, PackageRules.FromImage().Allowed(package));

    private static readonly Regex SecretPattern = new(
        @"-----BEGIN ([A-Z0-9 ]+ )?PRIVATE KEY-----|-----BEGIN OPENSSH PRIVATE KEY-----|ed25519-private:|" +
        @"(password|passwd|secret|token)""?\s*[:=]\s*""[^""]{4,}""",
        RegexOptions.IgnoreCase);

    private static readonly string[] SecretNames = ["*.key", "*.pfx", "*.p12", "*.pem", "ssh_host_*", "machine-id", "secret.key"];

    /// <summary>Files whose content or name looks like a secret; the image must be free of them (first boot makes them).</summary>
    internal static IReadOnlyList<string> Secrets(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => SecretNames.Any(n => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(n, Path.GetFileName(f)))
                        || SecretPattern.IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(dir, f))
            .ToList();

    [Fact]
    public void Image_sources_hold_no_secrets() =>
        Assert.Empty(Secrets(ImageFiles.Image));

    [Fact]
    public void Secret_scan_finds_planted_secrets_negative_control()
    {
        var dir = Directory.CreateTempSubdirectory("appliance-image-secrets-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a.conf"), "x\n-----BEGIN EC PRIVATE KEY-----\nMHc\n");
            File.WriteAllText(Path.Combine(dir, "b.json"), "{\"password\": \"hunter22\"}");
            File.WriteAllText(Path.Combine(dir, "portal.pfx"), "");
            File.WriteAllText(Path.Combine(dir, "fine.json"), "{\"passwordMinLength\": 8}");
            Assert.Equal(["a.conf", "b.json", "portal.pfx"], Secrets(dir).Order());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Image_configuration_enforces_the_firewall_through_the_helper()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ImageFiles.RootFs, "etc", "appliance", "appliance.json")));
        var a = doc.RootElement.GetProperty("appliance");
        var firewall = a.GetProperty("network").GetProperty("firewall");
        Assert.True(firewall.GetProperty("enforce").GetBoolean());
        var helper = firewall.GetProperty("nftPath").GetString()!;
        Assert.True(File.Exists(Path.Combine(ImageFiles.RootFs, helper.TrimStart('/'))), helper);
        Assert.False(a.GetProperty("plugins").GetProperty("allowUnsigned").GetBoolean());
        // The portal must be reachable on the wired LAN at first boot: the interface the image's .link file names is
        // in a zone (without one, the enforced firewall opens nothing but loopback).
        var link = File.ReadAllLines(Path.Combine(ImageFiles.RootFs, "usr", "lib", "systemd", "network", "10-appliance-lan.link"));
        var lan = Assert.Single(Settings(link, "Name"));
        var zoned = firewall.GetProperty("zones").GetProperty("interfaces").EnumerateArray()
            .ToDictionary(i => i.GetProperty("name").GetString()!, i => i.GetProperty("zone").GetString()!);
        Assert.Equal("site", zoned[lan]);
        // The host is published self-contained: there is no dotnet to run Appliance.PluginHost.dll with.
        Assert.Equal("/usr/lib/appliance/host/Appliance.PluginHost",
            a.GetProperty("plugins").GetProperty("isolation").GetProperty("pluginHostPath").GetString());
        // Under TCG (boot 4 of 2026-12-04) the media process missed the default 5 s ping once while the machine stalled.
        Assert.InRange(a.GetProperty("plugins").GetProperty("isolation").GetProperty("pingTimeoutSeconds").GetDouble(), 15, 120);
    }

    /// <summary>
    /// A/B updates in the image: RAUC's service is installed (Debian's <c>rauc</c> is only the command line), the host
    /// reboots into an installed update and gives a slow board time before its verdict, RAUC keeps its status outside
    /// the host's writable folder (root writing into a folder the host owns could be led through a symbolic link), and
    /// the bus lets only root and the host call RAUC (Debian's policy lets anyone).
    /// </summary>
    [Fact]
    public void Rauc_is_a_service_only_root_and_the_host_may_call_and_the_host_reboots_into_updates()
    {
        Assert.Contains("rauc-service", File.ReadAllLines(Path.Combine(ImageFiles.Image, "packages.list")));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ImageFiles.RootFs, "etc", "appliance", "appliance.json")));
        var updates = doc.RootElement.GetProperty("appliance").GetProperty("imageUpdates");
        Assert.True(updates.GetProperty("rebootAfterInstall").GetBoolean());
        Assert.InRange(updates.GetProperty("markGoodDeadlineSeconds").GetDouble(), 300, 3600);
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            var status = Settings(File.ReadAllLines(Path.Combine(ImageFiles.Image, arch, "system.conf")), "statusfile");
            Assert.Equal("/data/rauc.status", Assert.Single(status));
        }
        var policy = System.Xml.Linq.XDocument.Load(Path.Combine(ImageFiles.RootFs, "etc", "dbus-1", "system.d", "appliance-rauc.conf"));
        var rules = policy.Root!.Elements("policy")
            .SelectMany(p => p.Elements().Select(e => ((string?)p.Attribute("context") ?? "user " + (string?)p.Attribute("user"), e.Name.LocalName, (string?)e.Attribute("send_destination"))))
            .ToList();
        Assert.Equal(
            [("default", "deny", "de.pengutronix.rauc"), ("user appliance", "allow", "de.pengutronix.rauc"), ("user root", "allow", "de.pengutronix.rauc")],
            rules);
    }

    /// <summary>
    /// The host writes <c>network.ntpServers</c> as <c>/etc/systemd/timesyncd.conf.d/appliance.conf</c>
    /// (SystemServicesOptions.TimesyncdDropIn): under <c>ProtectSystem=strict</c> that folder must be a
    /// <c>ReadWritePaths=</c> of the unit, exist at boot and belong to the host's user.
    /// </summary>
    [Fact]
    public void The_timesyncd_drop_in_folder_is_writable_by_the_host_under_its_sandbox()
    {
        const string folder = "/etc/systemd/timesyncd.conf.d";
        var unit = File.ReadAllLines(Path.Combine(ImageFiles.Units, "appliance.service"));
        Assert.Contains("strict", Settings(unit, "ProtectSystem"));
        Assert.Contains(folder, Settings(unit, "ReadWritePaths").SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        var tmpfiles = File.ReadAllLines(Path.Combine(ImageFiles.RootFs, "usr", "lib", "tmpfiles.d", "appliance.conf"));
        Assert.Contains(tmpfiles, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["d", folder, _, "appliance", "appliance", ..]);
    }

    /// <summary>
    /// Network settings go through systemd-networkd: the host writes its .network files to a folder of the data
    /// partition (it outlives an update of the root slot), which it may write under its sandbox, which exists at boot,
    /// and which networkd waits for.
    /// </summary>
    [Fact]
    public void The_host_writes_networkds_files_to_the_data_partition_under_its_sandbox()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ImageFiles.RootFs, "etc", "appliance", "appliance.json")));
        var services = doc.RootElement.GetProperty("appliance").GetProperty("systemServices");
        Assert.Equal("networkd", services.GetProperty("networkBackend").GetString());
        var folder = services.GetProperty("networkdDirectory").GetString()!;
        Assert.StartsWith("/etc/appliance/", folder);
        var unit = File.ReadAllLines(Path.Combine(ImageFiles.Units, "appliance.service"));
        Assert.Contains("/etc/appliance", Settings(unit, "ReadWritePaths").SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        var tmpfiles = File.ReadAllLines(Path.Combine(ImageFiles.RootFs, "usr", "lib", "tmpfiles.d", "appliance.conf"));
        Assert.Contains(tmpfiles, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["d", var f, "0755", "appliance", "appliance", ..] && f == folder);
        var dropIn = File.ReadAllLines(Path.Combine(ImageFiles.Units, "systemd-networkd.service.d", "appliance.conf"));
        Assert.Contains("/etc/appliance", Settings(dropIn, "RequiresMountsFor"));
        Assert.Contains(services.GetProperty("units").EnumerateArray(), u => u.GetString() == "systemd-networkd.service");
    }

    /// <summary>
    /// IPv4 multicast (ONVIF WS-Discovery, mDNS) must work on the wire without a default route (link-local only, or
    /// before DHCP answers): joining a group on "any interface" needs a route to it (ENODEV otherwise).
    /// </summary>
    [Fact]
    public void Wired_interfaces_have_a_multicast_route()
    {
        var network = File.ReadAllLines(Path.Combine(ImageFiles.RootFs, "usr", "lib", "systemd", "network", "80-appliance-wired.network"));
        Assert.Contains("224.0.0.0/4", SectionSettings(network, "Route", "Destination"));
    }

    [Fact]
    public void A_destination_outside_a_route_section_is_no_route_negative_control() =>
        Assert.Empty(SectionSettings(["[Network]", "Destination=224.0.0.0/4", "[Route]", "Gateway=_dhcp4"], "Route", "Destination"));

    /// <summary>The values of <paramref name="key"/> in every <c>[section]</c> of a systemd INI file.</summary>
    private static List<string> SectionSettings(IEnumerable<string> lines, string section, string key)
    {
        var values = new List<string>();
        var current = "";
        foreach (var line in lines.Select(l => l.Trim()))
        {
            if (line.StartsWith('[') && line.EndsWith(']')) current = line[1..^1];
            else if (current == section && line.StartsWith(key + "=", StringComparison.Ordinal)) values.Add(line[(key.Length + 1)..]);
        }
        return values;
    }

    private static IEnumerable<string> Settings(IEnumerable<string> unit, string key) =>
        unit.Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..]);

    private static readonly string SshdDropIn = Path.Combine(ImageFiles.RootFs, "etc", "ssh", "sshd_config.d", "appliance.conf");

    /// <summary>sshd's settings as <c>sshd_config</c> reads them: keyword (lower case) and value; the first one wins.</summary>
    internal static Dictionary<string, string> SshdSettings(IEnumerable<string> lines)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            settings.TryAdd(parts[0], parts.Length > 1 ? parts[1].Trim() : "");
        }
        return settings;
    }

    /// <summary>
    /// The SSH server is off by default and key-only: the drop-in turns off passwords and root, lets in only the
    /// maintenance user of sysusers.d, reads the keys the host writes, and keeps the host key on the data partition
    /// (made on the device, never in the image); the image's configuration does not enable SSH.
    /// </summary>
    [Fact]
    public void Ssh_is_key_only_for_the_maintenance_user_and_off_by_default()
    {
        var sshd = SshdSettings(File.ReadAllLines(SshdDropIn));
        Assert.Equal("no", sshd["PasswordAuthentication"]);
        Assert.Equal("no", sshd["KbdInteractiveAuthentication"]);
        Assert.Equal("no", sshd["PermitRootLogin"]);
        Assert.Equal("publickey", sshd["AuthenticationMethods"]);
        Assert.DoesNotContain("ssh-rsa,", sshd["PubkeyAcceptedAlgorithms"] + ",");
        Assert.Equal("/usr/bin/cat /etc/appliance/ssh/authorized_keys", sshd["AuthorizedKeysCommand"]);
        Assert.Equal("none", sshd["AuthorizedKeysFile"]);
        Assert.StartsWith("/data/", sshd["HostKey"]);
        var sysusers = File.ReadAllLines(Path.Combine(ImageFiles.RootFs, "usr", "lib", "sysusers.d", "appliance.conf"))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f is ["u", ..]).Select(f => f[1]).ToList();
        Assert.Contains(sshd["AllowUsers"], sysusers);
        Assert.Contains(sshd["AuthorizedKeysCommandUser"], sysusers);
        // The host writes the keys under /etc/appliance (SshOptions.AuthorizedKeysFile), which its unit may write.
        Assert.Contains("ReadWritePaths=/etc/appliance", File.ReadAllLines(Path.Combine(ImageFiles.Units, "appliance.service")));
        // Debian enables ssh.service when installed: the build disables it again.
        Assert.Contains("systemctl --root=\"$R\" disable ssh.service ssh.socket", File.ReadAllText(Path.Combine(ImageFiles.Image, "build-image.sh")));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ImageFiles.RootFs, "etc", "appliance", "appliance.json")));
        var services = doc.RootElement.GetProperty("appliance").GetProperty("systemServices");
        Assert.False(services.TryGetProperty("ssh", out var ssh) && ssh.TryGetProperty("enabled", out var on) && on.GetBoolean());
    }

    [Fact]
    public void Sshd_settings_take_the_first_value_and_skip_comments_negative_control() =>
        Assert.Equal("no", SshdSettings(["# PasswordAuthentication yes", "passwordauthentication no", "PasswordAuthentication yes"])["PasswordAuthentication"]);

    [Fact]
    public void Rauc_system_conf_has_two_root_slots_and_grub()
    {
        var text = File.ReadAllText(Path.Combine(ImageFiles.Image, "amd64", "system.conf"));
        Assert.Contains("bootloader=grub", text);
        Assert.Contains("[slot.rootfs.0]\ndevice=/dev/disk/by-partlabel/rootfs-a", text);
        Assert.Contains("[slot.rootfs.1]\ndevice=/dev/disk/by-partlabel/rootfs-b", text);
        Assert.Contains("bootname=A", text);
        Assert.Contains("bootname=B", text);
        Assert.Contains("compatible=appliance-amd64", text);
    }

    [Fact]
    public void Rauc_system_conf_for_jetson_has_l4t_root_slots_and_the_custom_backend()
    {
        var text = File.ReadAllText(Path.Combine(ImageFiles.Image, "arm64", "system.conf"));
        Assert.Contains("compatible=appliance-arm64-jetson", text);
        Assert.Contains("bootloader=custom", text);
        Assert.Contains("[slot.rootfs.0]\ndevice=/dev/disk/by-partlabel/APP\n", text);
        Assert.Contains("[slot.rootfs.1]\ndevice=/dev/disk/by-partlabel/APP_b\n", text);
        Assert.Contains("path=/etc/rauc/keyring.pem", text);
    }

    private static (int Code, string Out) Filter(string script)
    {
        var (code, stdout, _) = ImageFiles.Run("awk", ["-f", Path.Combine(ImageFiles.RootFs, "usr", "lib", "appliance", "appliance-nft-filter")], script);
        return (code, stdout);
    }

    [Fact]
    public void Nft_filter_accepts_the_hosts_own_table()
    {
        const string ruleset = "table inet appliance {}\ndelete table inet appliance\ntable inet appliance {\n  chain input {\n" +
                               "    type filter hook input priority 0; policy drop;\n    tcp dport 443 accept comment \"portal { }\"\n  }\n}\n";
        Assert.Equal(0, Filter(ruleset).Code);
        Assert.Equal(0, Filter("flush set inet appliance fq_v4\nadd element inet appliance fq_v4 { 192.0.2.1 }\n").Code);
    }

    [Theory]
    [InlineData("flush ruleset\n")]
    [InlineData("table inet appliance {}\ntable ip nat {\n}\n")]
    [InlineData("delete table inet other\n")]
    [InlineData("include \"/etc/shadow\"\n")]
    [InlineData("table inet appliance {\n  include \"/etc/x\"\n}\n")]
    [InlineData("table inet appliance {\n}\n}\nadd table ip x\n")]
    [InlineData("table inet appliance {\n")]
    public void Nft_filter_refuses_anything_else(string script)
    {
        var (code, stdout) = Filter(script);
        Assert.Equal(1, code);
        Assert.NotEmpty(stdout.Trim());
    }
}
