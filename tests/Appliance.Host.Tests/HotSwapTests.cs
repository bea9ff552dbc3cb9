using System.Runtime.CompilerServices;
using Appliance.Host.Plugins;
using Appliance.Testing;

namespace Appliance.Host.Tests;

/// <summary>Hot swap of a real plugin assembly built by this test run, in a real plugin manager.</summary>
public sealed class HotSwapTests
{
    [Fact]
    public async Task Installing_v2_replaces_v1_behaviour_and_unloads_the_old_context()
    {
        await using var h = await PluginManagerHarness.StartAsync();
        Assert.Null((await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.other", "1.0.0"))).Failure);
        Assert.Null((await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.swap", "1.0.0"))).Failure);
        Assert.Equal("hello from test.swap 1.0.0", await h.CallAsync("test.swap", "hello"));
        var v1Context = OldContext(h.Manager);

        var result = await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.swap", "2.0.0"));

        Assert.Null(result.Failure);
        Assert.Equal(PluginState.Running, result.Value.State);
        Assert.Equal("2.0.0", result.Value.Version);
        Assert.Equal("hello from test.swap 2.0.0", await h.CallAsync("test.swap", "hello"));
        Assert.Equal("hello from test.other 1.0.0", await h.CallAsync("test.other", "hello"));
        Assert.Equal(PluginState.Running, h.Manager.Get("test.other")!.State);
        Assert.True(await Collected(h.Manager.RetiredContexts()), "the v1 load context was not collected after the swap");
        Assert.NotNull(v1Context);
    }

    [Fact]
    public async Task A_folder_replaced_on_disk_is_swapped_in()
    {
        await using var h = await PluginManagerHarness.StartAsync();
        await TestPluginBuilder.ProbeFolderAsync("test.disk", "1.0.0", into: h.Folders.InstalledFolder("test.disk"));
        await h.Manager.ReconcileAsync(CancellationToken.None);
        Assert.Equal("hello from test.disk 1.0.0", await h.CallAsync("test.disk", "hello"));

        var staged = await TestPluginBuilder.ProbeFolderAsync("test.disk", "1.1.0");
        Directory.Delete(h.Folders.InstalledFolder("test.disk"), recursive: true);
        PluginFolders.CopyDirectory(staged, h.Folders.InstalledFolder("test.disk"));
        await h.Manager.ReconcileAsync(CancellationToken.None);

        Assert.Equal("hello from test.disk 1.1.0", await h.CallAsync("test.disk", "hello"));
        Assert.Equal("1.1.0", h.Manager.Get("test.disk")!.Version);
    }

    [Fact]
    public async Task Disable_enable_and_uninstall_are_kept_across_restarts()
    {
        var data = Directory.CreateTempSubdirectory("appl-pm-").FullName;
        await using (var h = await PluginManagerHarness.StartAsync(data))
        {
            await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.off", "1.0.0"));
            await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.gone", "1.0.0"));
            await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.on", "1.0.0"));
            Assert.Equal(PluginState.Disabled, (await h.Manager.DisableAsync("test.off", CancellationToken.None)).Value.State);
            Assert.Null(await h.CallAsync("test.off", "hello"));
            Assert.Null((await h.Manager.UninstallAsync("test.gone", CancellationToken.None)).Failure);
        }
        await using (var again = await PluginManagerHarness.StartAsync(data))
        {
            Assert.Equal(PluginState.Disabled, again.Manager.Get("test.off")!.State);
            Assert.Null(again.Manager.Get("test.gone"));
            Assert.Equal(PluginState.Running, again.Manager.Get("test.on")!.State);
            var enabled = await again.Manager.EnableAsync("test.off", CancellationToken.None);
            Assert.Equal(PluginState.Running, enabled.Value.State);
            Assert.Equal("hello from test.off 1.0.0", await again.CallAsync("test.off", "hello"));
        }
    }

    [Fact]
    public async Task Runtime_copies_left_by_a_killed_host_are_removed_at_the_next_start()
    {
        var data = Directory.CreateTempSubdirectory("appl-pm-").FullName;
        await using (var h = await PluginManagerHarness.StartAsync(data))
            await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.kept", "1.0.0"));
        // What a host killed during its start leaves: shadow copies of versions that never got to run.
        var runtime = Path.Combine(data, "runtime");
        foreach (var left in new[] { "test.kept-1.0.0-0badf00d", "test.kept-0.9.0-deadbeef", "gone.plugin-2.0.0-12345678" })
        {
            Directory.CreateDirectory(Path.Combine(runtime, left, "sub"));
            await File.WriteAllTextAsync(Path.Combine(runtime, left, "sub", "plugin.dll"), "left over");
        }

        await using var again = await PluginManagerHarness.StartAsync(data);

        Assert.Equal("hello from test.kept 1.0.0", await again.CallAsync("test.kept", "hello"));
        var copies = Directory.GetDirectories(runtime).Select(Path.GetFileName).ToList();
        Assert.Equal(["test.kept-1.0.0"], copies.Select(c => c![..c!.LastIndexOf('-')]));
        Assert.DoesNotContain("test.kept-1.0.0-0badf00d", copies);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object? OldContext(PluginManager manager) => manager.Get("test.swap");

    private static async Task<bool> Collected(IReadOnlyList<WeakReference> retired)
    {
        Assert.NotEmpty(retired);
        for (var i = 0; i < 40 && retired.Any(r => r.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            await Task.Delay(50);
        }
        return retired.All(r => !r.IsAlive);
    }
}
