using System.Security.Cryptography;
using Appliance.SystemBus;
using Appliance.Testing.DBus;

namespace Appliance.Update.Tests;

/// <summary>
/// <see cref="RaucClient"/> on a private bus against RAUC's installer interface (python-dbusmock template
/// <c>rauc_installer.py</c>, whose checks are the real rauc's: signature, payload, compatible), installing bundles built
/// by <c>appliance-bundle</c> into file-backed slots; busctl reads the same properties as the reference client.
/// </summary>
public sealed class RaucClientTests : IAsyncLifetime
{
    private BundleRig _rig = null!;
    private PrivateBus _bus = null!;
    private BusConnection _connection = null!;
    private RaucClient _rauc = null!;
    private static CancellationToken Ct => CancellationToken.None;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private string Slots => _rig.PathOf("slots");

    public async Task InitializeAsync()
    {
        _rig = await BundleRig.CreateAsync();
        Directory.CreateDirectory(Slots);
        _bus = await PrivateBus.StartAsync();
        await ApplianceMocks.StartRaucAsync(_bus, _rig.CaCert, Slots);
        _connection = new BusConnection(new SystemBusOptions { Address = _bus.Address, CallTimeoutSeconds = 10 });
        _rauc = new RaucClient(_connection);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _bus.DisposeAsync();
        _rig.Dispose();
    }

    [Fact]
    public async Task Reads_the_state_as_busctl_does()
    {
        var state = await _rauc.GetStateAsync(Ct);
        Assert.True(state.IsOk, state.ToString());
        Assert.Equal(new RaucState("idle", 0, "", "", "appliance-amd64", "A"), state.Value);
        Assert.Equal("s \"appliance-amd64\"", (await _bus.BusctlOrThrowAsync("get-property", RaucClient.Service, RaucClient.Path, RaucClient.Interface, "Compatible")).Trim());

        var slots = await _rauc.GetSlotsAsync(Ct);
        Assert.True(slots.IsOk, slots.ToString());
        Assert.Equal(["rootfs.0", "rootfs.1"], slots.Value.Select(s => s.Name));
        Assert.Equal("booted", slots.Value[0].State);
        Assert.Equal("1.0.0", slots.Value[0].BundleVersion);
    }

    [Fact]
    public async Task Installs_a_signed_bundle_into_the_inactive_slot_with_progress_and_marks_it_good_after_the_reboot()
    {
        var bundle = _rig.PathOf("update.raucb");
        (await _rig.BuildAsync(bundle, version: "1.1.0")).EnsureSuccess();
        var progress = new List<int>();

        var installed = await _rauc.InstallAsync(bundle, (p, _) => { lock (progress) progress.Add(p); }, Patience, Ct);

        Assert.True(installed.IsOk, installed.ToString());
        lock (progress) Assert.Contains(100, progress);
        Assert.Equal(SHA256.HashData(await File.ReadAllBytesAsync(_rig.RootFs)), SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(Slots, "rootfs.1"))));
        var slots = (await _rauc.GetSlotsAsync(Ct)).Value;
        Assert.Equal("1.1.0", slots[1].BundleVersion);

        await _bus.MockAsync(RaucClient.Service, RaucClient.Path, "SimulateReboot", "");
        Assert.Equal("B", (await _rauc.GetStateAsync(Ct)).Value.BootSlot);
        var marked = await _rauc.MarkAsync(good: true, "booted", Ct);
        Assert.True(marked.IsOk, marked.ToString());
        Assert.Contains("rootfs.1", marked.Value);
        Assert.Equal("good", (await _rauc.GetSlotsAsync(Ct)).Value[1].BootStatus);
    }

    [Fact]
    public async Task A_tampered_bundle_fails_with_raucs_reason_and_the_inactive_slot_is_untouched()
    {
        var bundle = _rig.PathOf("update.raucb");
        (await _rig.BuildAsync(bundle)).EnsureSuccess();
        var bytes = await File.ReadAllBytesAsync(bundle);
        bytes[bytes.Length / 3] ^= 0xFF;
        await File.WriteAllBytesAsync(bundle, bytes);
        var before = await File.ReadAllBytesAsync(Path.Combine(Slots, "rootfs.1"));

        var installed = await _rauc.InstallAsync(bundle, null, Patience, Ct);

        Assert.False(installed.IsOk);
        Assert.Equal(RaucClient.InstallFailed, installed.Failure!.Code);
        Assert.Contains("payload is corrupted", installed.Failure.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(Slots, "rootfs.1")));
    }

    [Fact]
    public async Task A_bundle_for_another_model_fails_with_the_compatible_mismatch()
    {
        var bundle = _rig.PathOf("jetson.raucb");
        (await _rig.BuildAsync(bundle, compatible: "appliance-jetson")).EnsureSuccess();

        var installed = await _rauc.InstallAsync(bundle, null, Patience, Ct);

        Assert.False(installed.IsOk);
        Assert.Contains("Compatible mismatch", installed.Failure!.Message);
        Assert.Equal("", (await _rauc.GetSlotsAsync(Ct)).Value[1].BundleVersion);
    }

    [Theory]
    [InlineData("relative/update.raucb")]
    [InlineData("")]
    public async Task A_bundle_path_that_is_not_absolute_is_refused_before_the_call(string path)
    {
        var installed = await _rauc.InstallAsync(path, null, Patience, Ct);
        Assert.Equal(BusFailures.Invalid, installed.Failure!.Code);
    }

    [Theory]
    [InlineData("booted; rm -rf /")]
    [InlineData("")]
    public async Task A_slot_identifier_with_other_characters_is_refused_before_the_call(string slot)
    {
        var marked = await _rauc.MarkAsync(good: false, slot, Ct);
        Assert.Equal(BusFailures.Invalid, marked.Failure!.Code);
    }

    [Fact]
    public async Task A_progress_of_the_wrong_type_is_a_malformed_failure_not_an_exception()
    {
        await _bus.MockAsync(RaucClient.Service, RaucClient.Path, "UpdateProperties", "sa{sv}", RaucClient.Interface, "1", "Progress", "s", "50%");
        var state = await _rauc.GetStateAsync(Ct);
        Assert.Equal(BusFailures.Malformed, state.Failure!.Code);
        Assert.Contains("Progress", state.Failure.Message);
    }
}
