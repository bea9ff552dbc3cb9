using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;
using static Appliance.Isolation.Tests.IsolatedSurfaceHost;
using Appliance.Testing;

namespace Appliance.Isolation.Tests;

/// <summary>
/// Failures of an isolated plugin's HTTP exchange, against the real host process: a handler that throws is a 500, a
/// body writer that throws after the head cuts the client's connection (the child aborted), a chunked upload over
/// the route's limit is a 413; the plugin's process stays up through all of them.
/// </summary>
public sealed class IsolatedHttpFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_child_handler_that_throws_is_a_500_and_one_that_fails_mid_body_cuts_the_connection()
    {
        await using var host = await StartAsync(null, Manifest("test.surface"));
        var (child, _) = await ProcessAsync(host, "test.surface");

        using (var failed = await host.Client.GetAsync("/plugins/test.surface/fail"))
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);

        using var response = await host.Client.GetAsync("/plugins/test.surface/files/broken", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(8 << 20, response.Content.Headers.ContentLength);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        long total = 0;
        var cut = await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0) total += read;
        });
        output.WriteLine($"cut after {total} bytes: {cut.Message}");
        Assert.InRange(total, 0, 1 << 20);
        // The host logs the child's abort from its session loop, which may run just after the client saw the cut.
        await Eventually.HoldsWithinAsync(() => host.Log.Contains("surface body failed on purpose after 1 MiB"), TimeSpan.FromSeconds(15));
        Assert.Contains("surface body failed on purpose after 1 MiB", host.Log);
        Assert.Equal(child, (await ProcessAsync(host, "test.surface")).Pid);
    }

    [Fact]
    public async Task A_chunked_upload_over_the_routes_limit_is_a_413()
    {
        var manifest = Manifest("test.surface");
        foreach (var route in manifest["routes"]!.AsArray())
            if ((string)route!["path"]! == "upload") route["maxRequestBytes"] = 1 << 20;
        await using var host = await StartAsync(null, manifest);
        var (child, _) = await ProcessAsync(host, "test.surface");

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.HttpsPort);
        await using var tls = new SslStream(tcp.GetStream(), false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        var bearer = host.Client.DefaultRequestHeaders.Authorization!.ToString();
        await tls.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /plugins/test.surface/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {bearer}\r\nTransfer-Encoding: chunked\r\n\r\n"));
        var reading = Task.Run(async () =>
        {
            using var reader = new StreamReader(tls, Encoding.ASCII, leaveOpen: true);
            return await reader.ReadLineAsync() ?? "";
        });
        // 2 MiB in 64 KiB chunks, more than the route's 1 MiB; the host may answer (and stop reading) before the end.
        var chunk = Encoding.ASCII.GetBytes("10000\r\n").Concat(new byte[0x10000]).Concat("\r\n"u8.ToArray()).ToArray();
        try
        {
            for (var i = 0; i < 32 && !reading.IsCompleted; i++) await tls.WriteAsync(chunk);
        }
        catch (IOException)
        {
        }
        var status = await reading.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine(status);
        Assert.StartsWith("HTTP/1.1 413", status);
        Assert.Equal(child, (await ProcessAsync(host, "test.surface")).Pid);
    }
}
