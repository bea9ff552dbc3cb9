using System.Diagnostics;
using System.Net;
using Appliance.Testing;
using Xunit;
using Xunit.Abstractions;
using static Appliance.Isolation.Tests.IsolatedSurfaceHost;

namespace Appliance.Isolation.Tests;

/// <summary>
/// The HostApi 1.1 HTTP surface of a plugin in its own process, against the real host process and a real HTTP client:
/// a 1 GiB download with Range and a 20 MiB upload stream through the isolation socket with both processes' memory
/// flat; a request while the plugin restarts is answered 503; a client leaving cancels the child's handler.
/// </summary>
public sealed class IsolatedHttpSurfaceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_1_GiB_download_with_Range_from_an_isolated_plugin_keeps_host_and_child_RSS_flat()
    {
        await using var host = await StartAsync(null, Manifest("test.surface", sizeBytes: OneGiB));
        var (child, _) = await ProcessAsync(host, "test.surface");
        Assert.NotEqual(host.Pid, child);
        var hostBefore = RssKiB(host.Pid);
        var childBefore = RssKiB(child);

        var clock = Stopwatch.StartNew();
        using (var response = await host.Client.GetAsync("/plugins/test.surface/files/big", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(OneGiB, response.Content.Headers.ContentLength);
            Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
            Assert.Equal("\"big-1073741824\"", response.Headers.ETag!.Tag);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 20];
            long total = 0, hostPeak = hostBefore, childPeak = childBefore;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                Assert.Equal((byte)(total % 251), buffer[0]);
                Assert.Equal((byte)((total + read - 1) % 251), buffer[read - 1]);
                total += read;
                if (total % (64L << 20) < read)
                {
                    hostPeak = Math.Max(hostPeak, RssKiB(host.Pid));
                    childPeak = Math.Max(childPeak, RssKiB(child));
                }
            }
            Assert.Equal(OneGiB, total);
            output.WriteLine($"1 GiB through the isolation socket in {clock.Elapsed.TotalSeconds:0.0} s; VmRSS host {hostBefore / 1024} -> peak {hostPeak / 1024} MiB, child {childBefore / 1024} -> peak {childPeak / 1024} MiB");
            Assert.True(hostPeak - hostBefore < 200 * 1024, $"host RSS grew by {(hostPeak - hostBefore) / 1024} MiB while relaying 1 GiB");
            Assert.True(childPeak - childBefore < 100 * 1024, $"child RSS grew by {(childPeak - childBefore) / 1024} MiB while serving 1 GiB");
        }

        // A range at the end (206, exactly those bytes), one past the end (416), HEAD.
        await SurfaceDownloadChecks.RangesAndHeadAsync(host.Client, "test.surface", OneGiB);
        Assert.Equal(child, (await ProcessAsync(host, "test.surface")).Pid);
    }

    [Fact]
    public async Task A_20_MiB_upload_streams_to_an_isolated_plugin()
    {
        await using var host = await StartAsync(null, Manifest("test.surface"));
        var (child, _) = await ProcessAsync(host, "test.surface");
        var childBefore = RssKiB(child);
        await SurfaceUploadChecks.TwentyMiBUploadAsync(host.Client, "test.surface");
        // Informational only: 20 MiB of 64 KiB frames is garbage the child's GC may keep for a while; that nothing is
        // buffered beyond the credit window is what the child checks on every frame (a violation would end the session).
        output.WriteLine($"child VmRSS {childBefore / 1024} -> {RssKiB(child) / 1024} MiB around a 20 MiB upload");
        Assert.Equal(child, (await ProcessAsync(host, "test.surface")).Pid);
    }

    [Fact]
    public async Task A_request_while_the_isolated_plugin_restarts_is_answered_503_not_left_hanging()
    {
        await using var host = await StartAsync(null, Manifest("test.surface"));
        var statuses = new List<HttpStatusCode>();
        var (first, _) = await ProcessAsync(host, "test.surface");
        var pid = first;
        // A restart can beat the first request (under little load it takes a few ms): then kill the new child and
        // try again, a few rounds at most, until a request lands in the restart window.
        for (var round = 0; round < 5 && !statuses.Contains(HttpStatusCode.ServiceUnavailable); round++)
        {
            Process.Start("kill", ["-KILL", pid.ToString()])!.WaitForExit();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                var clock = Stopwatch.StartNew();
                using var response = await host.Client.GetAsync("/plugins/test.surface/hello", timeout.Token);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "a request during the restart hung");
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    Assert.Contains("try again", await response.Content.ReadAsStringAsync());
                if (response.StatusCode == HttpStatusCode.OK) break;
            }
            pid = (await ProcessAsync(host, "test.surface")).Pid;
        }
        output.WriteLine(string.Join(", ", statuses.GroupBy(s => (int)s).Select(g => $"{g.Count()} x {g.Key}")));
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"unexpected {(int)s}"));
        Assert.Equal(HttpStatusCode.OK, statuses[^1]);
        Assert.NotEqual(first, pid);
    }

    [Fact]
    public async Task Clients_leaving_mid_download_cancel_their_handlers_in_the_child_and_leave_the_process_serving()
    {
        await using var host = await StartAsync(null, Manifest("test.surface", sizeBytes: OneGiB));
        var (child, cancelledBefore) = await ProcessAsync(host, "test.surface");
        Assert.Equal(0, cancelledBefore);
        await LeaveMidDownloadAsync(host, 8 << 20);
        var cancelled = await Eventually.UntilAsync(async () => (await ProcessAsync(host, "test.surface")).CancelledDownloads, n => n != 0);
        Assert.Equal(1, cancelled);

        // Many at once: the child's body frames race each abort, and late ones must not count as a violation that
        // ends the session (CI once saw the process restarted here).
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => LeaveMidDownloadAsync(host, 1 << 20)));
        cancelled = await Eventually.UntilAsync(async () => (await ProcessAsync(host, "test.surface")).CancelledDownloads, n => n >= 13);
        Assert.Equal(13, cancelled);
        Assert.Equal(child, (await ProcessAsync(host, "test.surface")).Pid);
        Assert.Equal("hello iso", await host.Client.GetStringAsync("/plugins/test.surface/hello"));
    }

    /// <summary>Reads <paramref name="bytes"/> of the 1 GiB file on a connection of its own, then closes it.</summary>
    private static async Task LeaveMidDownloadAsync(HostProcess host, int bytes)
    {
        using var client = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
        { BaseAddress = host.BaseUri };
        client.DefaultRequestHeaders.Authorization = host.Client.DefaultRequestHeaders.Authorization;
        using var response = await client.GetAsync("/plugins/test.surface/files/big", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 20];
        long total = 0;
        while (total < bytes) total += await body.ReadAsync(buffer);
    } // the connection closes with ~1 GiB unread
}
