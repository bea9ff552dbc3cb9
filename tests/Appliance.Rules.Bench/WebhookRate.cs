using System.Diagnostics;
using System.Net;
using Appliance.Benchmarking;
using Appliance.Plugins.Webhooks.Protocol;
using Appliance.Testing;

namespace Appliance.Rules.Bench;

/// <summary>
/// Signed webhook deliveries per second (HMAC-SHA256 signing + HTTP POST, one at a time) to a loopback receiver
/// answering 204, beside the reference: curl posting the same JSON the same number of times over one connection
/// (URL globbing), unsigned. The ratio is our rate over curl's.
/// </summary>
internal static class WebhookRate
{
    private const string Body = """{"type":"rule.fired","data":{"ruleId":"r1","cameraId":"lobby"}}""";

    public static async Task RunAsync(BenchReport report)
    {
        var deliveries = report.Smoke ? 200 : 5000;
        var port = FreePort.Tcp();
        using var http = new HttpListener();
        http.Prefixes.Add($"http://127.0.0.1:{port}/");
        http.Start();
        using var stop = new CancellationTokenSource();
        var receiver = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var context = await http.GetContextAsync();
                    await context.Request.InputStream.CopyToAsync(Stream.Null);
                    context.Response.StatusCode = 204;
                    context.Response.Close();
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
            }
            catch (HttpListenerException)
            {
            }
        });

        using var client = new HttpClient();
        var hooks = new WebhookClient(client, TimeProvider.System);
        var target = new WebhookTarget("bench", new Uri($"http://127.0.0.1:{port}/hooks"), WebhookSecret.Parse(WebhookSecret.Generate()).Value, TimeSpan.FromSeconds(10));
        for (var i = 0; i < 200; i++) await hooks.SendAsync(target, new WebhookMessage($"msg_w{i}", Body), default);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < deliveries; i++)
        {
            var sent = await hooks.SendAsync(target, new WebhookMessage($"msg_{i}", Body), default);
            if (!sent.IsOk) throw new InvalidOperationException(sent.Failure!.ToString());
        }
        var ours = deliveries / clock.Elapsed.TotalSeconds;

        var curl = Stopwatch.StartNew();
        using (var process = Process.Start(new ProcessStartInfo("curl",
            ["-s", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/json", "--data", Body, $"http://127.0.0.1:{port}/hooks?n=[1-{deliveries}]"])
        { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"curl failed: {await process.StandardError.ReadToEndAsync()}");
        }
        var reference = deliveries / curl.Elapsed.TotalSeconds;
        report.Add(new BenchFigure("webhook-deliveries-signed-vs-curl", ours, "deliveries/s", ours / reference, null, Better.Higher));

        stop.Cancel();
        http.Stop();
        await receiver;
    }
}
