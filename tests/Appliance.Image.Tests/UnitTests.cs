using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Appliance.Image.Tests;

/// <summary>The image's systemd units, checked by the systemd-analyze of this machine (Debian 12: systemd 252).</summary>
public sealed class UnitTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = StageRoot();

    public static TheoryData<string> Units => new(Directory.GetFiles(ImageFiles.Units).Select(Path.GetFileName).Order()!);

    /// <summary>
    /// A throw-away root for <c>systemd-analyze verify --root</c>: the image's overlay, stand-ins for the published host's
    /// executables (verify checks every Exec path exists in the root), and this machine's own units (targets).
    /// </summary>
    private static string StageRoot()
    {
        var root = Directory.CreateTempSubdirectory("appliance-image-units-").FullName;
        Copy(ImageFiles.RootFs, root);
        var host = Path.Combine(root, "usr", "lib", "appliance", "host");
        Directory.CreateDirectory(host);
        foreach (var exe in new[] { "Appliance.Host", "Appliance.PluginHost" })
        {
            File.WriteAllText(Path.Combine(host, exe), "#!/bin/sh\n");
            File.SetUnixFileMode(Path.Combine(host, exe), (UnixFileMode)0b111_101_101);
        }
        // Debian's sshd, which ssh.service (and the image's drop-in for it) runs.
        Directory.CreateDirectory(Path.Combine(root, "usr", "sbin"));
        File.WriteAllText(Path.Combine(root, "usr", "sbin", "sshd"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(root, "usr", "sbin", "sshd"), (UnixFileMode)0b111_101_101);
        var units = Path.Combine(root, "usr", "lib", "systemd", "system");
        foreach (var f in Directory.GetFiles("/usr/lib/systemd/system"))
        {
            var target = Path.Combine(units, Path.GetFileName(f));
            if (!File.Exists(target) && !Directory.Exists(f)) File.Copy(f, target);
        }
        return root;
    }

    private static void Copy(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }

    private static string Instance(string unit) => unit.Replace("@.", "@test.", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Units))]
    public void Unit_passes_systemd_analyze_verify_without_a_word(string unit)
    {
        var (code, stdout, stderr) = ImageFiles.Run("systemd-analyze", ["verify", "--man=no", "--root=" + _root, Instance(unit)]);
        Assert.True(code == 0 && stderr.Trim().Length == 0, $"systemd-analyze verify {unit}: exit {code}\n{stdout}{stderr}");
    }

    /// <summary>Debian's ssh.service with the image's drop-in (host key made on the device first), as the image runs it.</summary>
    [Fact]
    public void Ssh_service_with_the_image_drop_in_passes_verify()
    {
        Assert.True(File.Exists("/usr/lib/systemd/system/ssh.service"), "openssh-server is not installed on this machine (build.sh installs it)");
        var (code, stdout, stderr) = ImageFiles.Run("systemd-analyze", ["verify", "--man=no", "--root=" + _root, "ssh.service"]);
        Assert.True(code == 0 && stderr.Trim().Length == 0, $"systemd-analyze verify ssh.service: exit {code}\n{stdout}{stderr}");
        // The drop-in is read: without the host-key script verify names it.
        File.Delete(Path.Combine(_root, "usr", "lib", "appliance", "ssh-host-key"));
        var (_, _, missing) = ImageFiles.Run("systemd-analyze", ["verify", "--man=no", "--root=" + _root, "ssh.service"]);
        Assert.Contains("/usr/lib/appliance/ssh-host-key", missing);
    }

    [Fact]
    public void Verify_reports_a_misspelt_key_negative_control()
    {
        var path = Path.Combine(_root, "usr", "lib", "systemd", "system", "appliance.service");
        File.AppendAllText(path, "\n[Service]\nExecStartt=/bin/true\n");
        var (_, _, stderr) = ImageFiles.Run("systemd-analyze", ["verify", "--man=no", "--root=" + _root, "appliance.service"]);
        Assert.Contains("Unknown key", stderr);
    }

    /// <summary>Exposure limits of the issue: the host at most 4.0, an isolated (media) plugin at most 2.0; helpers 2.5.</summary>
    [Theory]
    [InlineData("appliance.service", 4.0)]
    [InlineData("appliance-plugin@.service", 2.0)]
    [InlineData("appliance-nft@.service", 2.5)]
    [InlineData("appliance-firstboot.service", 2.5)]
    [InlineData("appliance-setup-code.service", 2.5)]
    public void Exposure_is_within_its_limit(string unit, double limit)
    {
        var exposure = Exposure(Path.Combine(ImageFiles.Units, unit));
        output.WriteLine($"exposure: {unit} {exposure.ToString("0.0", CultureInfo.InvariantCulture)} (limit {limit.ToString("0.0", CultureInfo.InvariantCulture)})");
        Assert.True(exposure <= limit, $"{unit}: exposure {exposure} above {limit}");
    }

    [Fact]
    public void Exposure_of_an_unhardened_unit_is_high_negative_control()
    {
        var path = Path.Combine(_root, "plain.service");
        File.WriteAllText(path, "[Service]\nExecStart=/bin/true\n");
        Assert.True(Exposure(path) > 9.0);
    }

    private static double Exposure(string path)
    {
        var (code, stdout, stderr) = ImageFiles.Run("systemd-analyze", ["security", "--offline=true", "--no-pager", path]);
        var m = Regex.Match(stdout, @"Overall exposure level for \S+: (\d+\.\d)");
        Assert.True(m.Success, $"systemd-analyze security {path}: exit {code}\n{stdout}{stderr}");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Host_unit_keeps_the_promises_of_the_issue()
    {
        var text = File.ReadAllText(Path.Combine(ImageFiles.Units, "appliance.service"));
        foreach (var line in new[]
        {
            "Type=notify", "User=appliance", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
            "ProtectSystem=strict", "PrivateTmp=yes", "NoNewPrivileges=yes", "SystemCallFilter=@system-service",
        })
            Assert.Contains("\n" + line + "\n", text);
        Assert.Matches(@"\nWatchdogSec=\d+s\n", text);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
