using System.Net;
using System.Text.Json;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Host.Tests.Surface;

/// <summary>HostApi 1.1 HTTP surface against the real host process: streamed downloads with Range, streamed uploads, access, host services.</summary>
public sealed class HttpSurfaceTests(ITestOutputHelper output)
{
    private const long OneGiB = 1L << 30;

    private static async Task<HostProcess> StartWithAsync(params System.Text.Json.Nodes.JsonObject[] manifests)
    {
        var bundled = Directory.CreateTempSubdirectory("appl-surface-bundled-").FullName;
        foreach (var m in manifests) SurfacePluginPackage.Folder(bundled, m);
        var host = await HostProcess.StartAsync(bundledPlugins: bundled);
        await host.LoginAsync();
        return host;
    }

    private static long RssKiB(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    [Fact]
    public async Task A_1_GiB_download_with_Range_streams_through_while_the_host_RSS_stays_flat()
    {
        await using var host = await StartWithAsync(SurfacePluginPackage.Manifest("test.surface", "1.0.0", "v1", sizeBytes: OneGiB));
        await Eventually.UntilAsync(async () => (await host.Client.GetAsync("/plugins/test.surface/hello")).IsSuccessStatusCode, "the surface plugin answers", TimeSpan.FromSeconds(60));
        var before = RssKiB(host.Pid);

        using (var response = await host.Client.GetAsync("/plugins/test.surface/files/big", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(OneGiB, response.Content.Headers.ContentLength);
            Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
            Assert.Equal("\"big-1073741824\"", response.Headers.ETag!.Tag);
            Assert.Contains("big.bin", response.Content.Headers.ContentDisposition!.ToString());
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 20];
            long total = 0, peak = before;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                // Spot-check the content: byte i is i mod 251.
                Assert.Equal((byte)(total % 251), buffer[0]);
                total += read;
                if (total % (128L << 20) < read) peak = Math.Max(peak, RssKiB(host.Pid));
            }
            Assert.Equal(OneGiB, total);
            var after = RssKiB(host.Pid);
            peak = Math.Max(peak, after);
            output.WriteLine($"host VmRSS before {before / 1024} MiB, peak during {peak / 1024} MiB, after {after / 1024} MiB for a 1 GiB download");
            Assert.True(peak - before < 200 * 1024, $"host RSS grew by {(peak - before) / 1024} MiB while streaming 1 GiB");
        }

        // A range at the end (206, exactly those bytes), one past the end (416), HEAD.
        await SurfaceDownloadChecks.RangesAndHeadAsync(host.Client, "test.surface", OneGiB);
    }

    [Fact]
    public async Task An_upload_larger_than_the_old_4_MiB_cap_streams_to_the_plugin_and_access_is_enforced()
    {
        await using var host = await StartWithAsync(SurfacePluginPackage.Manifest("test.surface", "1.0.0", "v1"));
        await Eventually.UntilAsync(async () => (await host.Client.GetAsync("/plugins/test.surface/hello")).IsSuccessStatusCode, "the surface plugin answers", TimeSpan.FromSeconds(60));
        await SurfaceUploadChecks.TwentyMiBUploadAsync(host.Client, "test.surface");

        // Over the route's declared 64 MiB: 413 before the plugin reads it all.
        // (Raw HTTP/1.1 over TLS: headers announcing 65 MiB and no body, so the answer cannot race the upload.)
        var bearer = host.Client.DefaultRequestHeaders.Authorization!.ToString();
        var head = await RawStatusLineAsync(host.HttpsPort,
            $"POST /plugins/test.surface/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {bearer}\r\nContent-Length: {65L * 1024 * 1024}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 413", head);

        // Without credentials: 401; an unknown route: 404; a known route with another method: 405.
        using var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { BaseAddress = host.BaseUri };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/plugins/test.surface/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/plugins/test.surface/nothing")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await host.Client.DeleteAsync("/plugins/test.surface/hello")).StatusCode);
    }

    private static async Task<string> RawStatusLineAsync(int port, string request)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false);
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ApplicationProtocols = [System.Net.Security.SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        await tls.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(tls, System.Text.Encoding.ASCII);
        return await reader.ReadLineAsync() ?? "";
    }

    [Fact]
    public async Task Host_services_secrets_metrics_users_and_named_events_work_for_a_plugin()
    {
        await using var host = await StartWithAsync(SurfacePluginPackage.Manifest("test.surface", "1.0.0", "v1"));
        await Eventually.UntilAsync(async () => (await host.Client.GetAsync("/plugins/test.surface/hello")).IsSuccessStatusCode, "the surface plugin answers", TimeSpan.FromSeconds(60));
        var text = await host.Client.GetStringAsync("/plugins/test.surface/services");
        output.WriteLine(text);
        var answer = JsonDocument.Parse(text).RootElement;
        Assert.Equal(host.HttpsPort, answer.GetProperty("httpsPort").GetInt32());
        Assert.Equal("s3cret-v1", answer.GetProperty("secret").GetString());
        Assert.Equal("SurfacePinged", answer.GetProperty("published").GetString());
        Assert.Equal("schema", answer.GetProperty("refused").GetString());
        Assert.Equal("invalid", answer.GetProperty("verify").GetString());

        // The named event is in the outbox like a built-in one; the metric is exported with the plugin label.
        var events = await host.Client.GetStringAsync("/api/v1/events?type=SurfacePinged");
        Assert.Contains("\"label\":\"v1\"", events.Replace(" ", ""));
        var metrics = await host.Client.GetStringAsync("/metrics");
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("appliance_plugin_surface_calls_total{", StringComparison.Ordinal));
        output.WriteLine(line ?? "(no appliance_plugin_surface_calls_total line)\n" + metrics);
        Assert.Equal("appliance_plugin_surface_calls_total{plugin=\"test.surface\",route=\"services\"} 1", line);
        // The secret is sealed at rest: its value is not in the database file in clear text.
        foreach (var file in Directory.EnumerateFiles(host.DataDirectory, "appliance.db*"))
            Assert.DoesNotContain("s3cret-v1", System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)));
    }
}
