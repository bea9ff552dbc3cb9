using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.WebRtc.Plugin.Tests.Support;
using Appliance.Streams;
using Appliance.Testing.Plugins;
using Appliance.Testing;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.WebRtc.Plugin.Tests;

/// <summary>
/// The live view page in headless Chromium: the plugin's own page and script, its WHEP routes on a real stream hub
/// fed by the GStreamer demo camera. One camera asks for the main stream, a grid asks each enabled camera for its
/// sub stream, and every tile plays (framesDecoded) and shows fps, bitrate and the path. Run under the heavy lock.
/// </summary>
public sealed class LiveViewPageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task One_camera_plays_main_and_the_grid_asks_each_enabled_camera_for_its_sub_stream()
    {
        var hub = new StreamHub();
        await using var context = WebRtcContext.Create("""{ "udpPortRange": "52000-52999", "hostAddresses": "127.0.0.1", "maxSessions": 8 }""", hub);
        var plugin = new WebRtcPlugin();
        await plugin.StartAsync(context, CancellationToken.None);
        await using var camera = await HubCamera.StartAsync(hub, "camera/a", "camera/a/sub", "camera/b", "camera/b/sub");
        using var server = new LivePageServer(context.HttpRoutes.Routes, """[{"id":"a","enabled":true},{"id":"b","enabled":true},{"id":"c","enabled":false}]""");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        try
        {
            var single = await browser.NewPageAsync();
            await single.GotoAsync(server.Url("/live?camera=a"));
            var tiles = await PlayingTilesAsync(single, 1);
            Assert.Equal("camera/a", tiles[0].Stream);
            Assert.Equal(["camera/a"], server.WhepStreams.ToArray());
            await single.CloseAsync();

            var grid = await browser.NewPageAsync();
            await grid.GotoAsync(server.Url("/live"));
            tiles = await PlayingTilesAsync(grid, 2);
            Assert.Equal(["camera/a/sub", "camera/b/sub"], tiles.Select(t => t.Stream).Order().ToArray());
            Assert.Equal(["camera/a", "camera/a/sub", "camera/b/sub"], server.WhepStreams.Order().ToArray());
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_h265_camera_plays_in_a_browser_without_h265_from_the_h264_copy_it_asks_for()
    {
        // Debian's Chromium offers no H.265: the WHEP answer comes from camera/h/h264, which (as the media plugin does)
        // is published only once somebody subscribes to it; camera/h itself carries no frame at all here.
        var hub = new StreamHub();
        await using var context = WebRtcContext.Create("""{ "udpPortRange": "52000-52999", "hostAddresses": "127.0.0.1", "maxSessions": 8 }""", hub);
        var plugin = new WebRtcPlugin();
        await plugin.StartAsync(context, CancellationToken.None);
        using var hevc = hub.Publish(new StreamDescriptor("camera/h", [new MediaTrack(0, MediaCodec.H265, 90000, "H265", [], null)]));
        HubCamera? copy = null;
        using var stop = new CancellationTokenSource(Deadline);
        var producer = Task.Run(async () =>
        {
            while (hub.SubscriberCount("camera/h/h264") == 0) await Task.Delay(50, stop.Token);
            copy = await HubCamera.StartAsync(hub, "camera/h/h264");
        });
        using var server = new LivePageServer(context.HttpRoutes.Routes, """[{"id":"h","enabled":true}]""");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        try
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(server.Url("/live?camera=h"));
            var tile = Assert.Single(await PlayingTilesAsync(page, 1));
            Assert.Equal("camera/h", tile.Stream);
            await producer;
            Assert.Equal(["camera/h"], server.WhepStreams.ToArray());
        }
        finally
        {
            await plugin.StopAsync(CancellationToken.None);
            if (copy is not null) await copy.DisposeAsync();
        }
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Chromium.Prepare();
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            Args = [.. Chromium.Args, .. Chromium.LiveViewArgs],
            Timeout = Chromium.LaunchTimeoutMs,
        });
    }

    private sealed record Tile(string Stream, long Frames, string Path, string Caption);

    /// <summary>Waits until <paramref name="count"/> tiles decoded over 10 frames each and show their health line; fails with what the page shows.</summary>
    private async Task<IReadOnlyList<Tile>> PlayingTilesAsync(IPage page, int count)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<Tile> tiles = [];
        while (clock.Elapsed < Deadline)
        {
            var json = await page.EvaluateAsync<string>(@"() => JSON.stringify([...document.querySelectorAll('.webrtc-tile')].map(t => ({
                stream: t.dataset.stream, frames: Number(t.dataset.framesDecoded || 0), path: t.dataset.path || '', caption: t.querySelector('.stats').textContent })))");
            tiles = JsonSerializer.Deserialize<Tile[]>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
            if (tiles.Count == count && tiles.All(t => t.Frames > 10)) break;
            await Task.Delay(300);
        }
        output.WriteLine(string.Join("\n", tiles));
        Assert.Equal(count, tiles.Count);
        foreach (var tile in tiles)
        {
            Assert.True(tile.Frames > 10, $"{tile.Stream} decoded {tile.Frames} frames: {tile.Caption}");
            Assert.Equal("LAN", tile.Path);
            Assert.Matches(new Regex($@"^{Regex.Escape(tile.Stream)} · [1-9]\d* fps · [1-9]\d* kbit/s · RTT (\d+ ms|-) · LAN$"), tile.Caption);
        }
        return tiles;
    }
}
