using System.Security.Cryptography;
using Appliance.Core.Updates;

namespace Appliance.Update.Tests;

/// <summary>
/// Update bundles built and signed by <c>tools/update-bundle/appliance-bundle</c> with Debian's rauc (1.8, verity
/// format), verified by rauc itself (signature against the update CA, then every block of the payload), and read back
/// through the core's manifest parser. Tampered, foreign and truncated bundles are refused with rauc's reason.
/// </summary>
public sealed class BundleTests : IAsyncLifetime
{
    private BundleRig _rig = null!;

    public async Task InitializeAsync() => _rig = await BundleRig.CreateAsync();

    public Task DisposeAsync()
    {
        _rig.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_built_bundle_verifies_against_the_update_ca_and_carries_the_image_and_its_manifest()
    {
        var bundle = _rig.PathOf("update.raucb");
        (await _rig.BuildAsync(bundle, version: "1.4.0")).EnsureSuccess();

        var info = (await _rig.InfoAsync(bundle)).EnsureSuccess();
        var manifest = UpdatesFacade.ParseRaucInfo(info.Stdout);
        Assert.True(manifest.IsOk, manifest.Failure?.Message ?? "");
        Assert.Equal("appliance-amd64", manifest.Value.Compatible);
        Assert.Equal("1.4.0", manifest.Value.Version);
        Assert.NotNull(manifest.Value.Build);
        var digest = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(_rig.RootFs)));
        Assert.Contains($"RAUC_IMAGE_DIGEST_0='{digest}'", info.Stdout);
        Assert.Contains("RAUC_IMAGE_CLASS_0='rootfs'", info.Stdout);
    }

    [Theory]
    [InlineData("payload", "payload is corrupted")]
    [InlineData("signature", "signature verification failed")]
    public async Task A_flipped_byte_is_refused(string where, string reason)
    {
        var bundle = _rig.PathOf("update.raucb");
        (await _rig.BuildAsync(bundle)).EnsureSuccess();
        var bytes = await File.ReadAllBytesAsync(bundle);
        // The payload (squashfs) comes first; the CMS signature and its size are the last bytes of the file.
        var at = where == "payload" ? bytes.Length / 3 : bytes.Length - 100;
        bytes[at] ^= 0xFF;
        var tampered = _rig.PathOf("tampered.raucb");
        await File.WriteAllBytesAsync(tampered, bytes);

        var info = await _rig.InfoAsync(tampered);
        Assert.Equal(1, info.Exit);
        Assert.Contains(reason, info.Stderr);
        Assert.Empty(info.Stdout);
    }

    [Fact]
    public async Task A_truncated_bundle_is_refused()
    {
        var bundle = _rig.PathOf("update.raucb");
        (await _rig.BuildAsync(bundle)).EnsureSuccess();
        var bytes = await File.ReadAllBytesAsync(bundle);
        var truncated = _rig.PathOf("truncated.raucb");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 2)]);

        var info = await _rig.InfoAsync(truncated);
        Assert.Equal(1, info.Exit);
        Assert.StartsWith("appliance-bundle: ", info.Stderr.Split('\n').Last(l => l.Length > 0));
        Assert.Empty(info.Stdout);
    }

    [Fact]
    public async Task A_bundle_signed_under_another_ca_is_refused_by_this_keyring()
    {
        var bundle = _rig.PathOf("update.raucb");
        (await _rig.BuildAsync(bundle)).EnsureSuccess();
        var otherKeys = _rig.PathOf("other");
        (await BundleRig.RunAsync(BundleRig.Tool, "ca", otherKeys)).EnsureSuccess();

        var info = await _rig.InfoAsync(bundle, keyring: Path.Combine(otherKeys, "ca.cert.pem"));
        Assert.Equal(1, info.Exit);
        Assert.Contains("signature verification failed", info.Stderr);

        // Nor can a bundle be built with a signing key the keyring does not vouch for.
        var build = await _rig.BuildAsync(_rig.PathOf("foreign.raucb"),
            cert: Path.Combine(otherKeys, "signing.cert.pem"), key: Path.Combine(otherKeys, "signing.key.pem"));
        Assert.NotEqual(0, build.Exit);
        Assert.False(File.Exists(_rig.PathOf("foreign.raucb")));
    }

    [Theory]
    [InlineData("--version", "latest", "is not major.minor.patch")]
    [InlineData("--version", "1.2", "is not major.minor.patch")]
    [InlineData("--compatible", "appliance amd64", "has characters other than")]
    [InlineData("--compatible", "x'\nversion=9.9.9", "has characters other than")]
    public async Task The_tool_refuses_a_manifest_value_that_would_be_ambiguous(string option, string value, string reason)
    {
        var bundle = _rig.PathOf("bad.raucb");
        var run = option == "--version" ? await _rig.BuildAsync(bundle, version: value) : await _rig.BuildAsync(bundle, compatible: value);
        Assert.Equal(2, run.Exit);
        Assert.Contains(reason, run.Stderr);
        Assert.False(File.Exists(bundle));
    }
}
