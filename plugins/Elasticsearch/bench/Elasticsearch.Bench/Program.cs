using System.Diagnostics;
using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Benchmarking;
using Appliance.Plugins.Elasticsearch.Protocol;
using Appliance.Plugins.Elasticsearch.Tests;

// Issue 21's figure: Elasticsearch export throughput of the appliance's path (events -> documents -> NDJSON bodies
// of 500 -> POST /_bulk -> the answer read item by item) against curl posting the same NDJSON bodies over one
// connection to the same loopback HTTPS peer, as a ratio (target >= 0.8: the appliance also builds the documents).
// The peer's own work is the same for both; the best of the rounds counts (loopback noise on 2 cores).
var report = BenchReport.FromArgs(args);
var events = report.Smoke ? 2_000 : 50_000;
var rounds = report.Smoke ? 1 : 3;
const int Batch = 500;

await using var peer = await ElasticsearchPeer.StartAsync();
var endpoint = ElasticEndpoint.Create("127.0.0.1", peer.Port, ElasticsearchPeer.ApiKey, null, null, TimeSpan.FromSeconds(60)).Value;
var handler = new SocketsHttpHandler();
handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
    certificate is not null && Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.GetRawCertData())) == peer.CertificateSha256;
using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
var client = new ElasticClient(http);
var at = DateTimeOffset.UtcNow;
var envelopes = Enumerable.Range(0, events).Select(i => new EventEnvelope(i, Guid.NewGuid(), "PanelAlarm", EventCategory.Alarm, "appliance.dmp", at.AddMilliseconds(i),
    JsonSerializer.SerializeToElement(new { cameraId = $"cam{i % 16}", account = "1234", zone = i % 64, area = 1, text = "Burglary alarm, zone " + i }))).ToList();

var root = Directory.CreateTempSubdirectory("appl-es-bench-").FullName;
try
{
    // The same bodies for curl, written once (curl reads them from files, as an operator's script would).
    var bodies = new List<string>();
    for (var i = 0; i < events; i += Batch)
    {
        var (body, _) = BulkBody.Build(envelopes.Skip(i).Take(Batch).Select(e => EventDocument.From(e, "bench", "site")).ToList());
        var path = Path.Combine(root, $"bulk-{i / Batch:D5}.ndjson");
        await File.WriteAllBytesAsync(path, body);
        bodies.Add(path);
    }
    var curlConfig = Path.Combine(root, "curl.conf");
    await File.WriteAllLinesAsync(curlConfig, bodies.SelectMany((b, i) => new[]
    {
        i == 0 ? "" : "next",
        $"url = \"https://127.0.0.1:{peer.Port}/_bulk\"",
        "insecure",
        "silent",
        "output = /dev/null",
        $"header = \"Authorization: ApiKey {ElasticsearchPeer.ApiKey}\"",
        "header = \"Content-Type: application/x-ndjson\"",
        $"data-binary = \"@{b}\"",
    }));

    async Task<double> OursAsync()
    {
        peer.Indices.Clear();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < events; i += Batch)
        {
            var documents = envelopes.Skip(i).Take(Batch).Select(e => EventDocument.From(e, "bench", "site")).ToList();
            var (body, count) = BulkBody.Build(documents);
            var answer = await client.BulkAsync(endpoint, body, count, CancellationToken.None);
            if (!answer.IsOk || answer.Value.Any(item => item.Outcome != BulkItemOutcome.Indexed)) throw new InvalidOperationException($"bulk failed: {answer.Failure}");
        }
        var rate = events / watch.Elapsed.TotalSeconds;
        if (peer.DocumentCount != events) throw new InvalidOperationException($"{peer.DocumentCount} documents indexed, {events} sent");
        return rate;
    }

    async Task<double> CurlAsync()
    {
        peer.Indices.Clear();
        var watch = Stopwatch.StartNew();
        using var curl = Process.Start(new ProcessStartInfo("curl", ["--config", curlConfig]) { RedirectStandardError = true })!;
        var errors = await curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        var rate = events / watch.Elapsed.TotalSeconds;
        if (curl.ExitCode != 0 || peer.DocumentCount != events) throw new InvalidOperationException($"curl exit {curl.ExitCode}, {peer.DocumentCount} documents: {errors}");
        return rate;
    }

    await OursAsync(); // warm-up: JIT, TLS, the peer's own JIT
    await CurlAsync();
    double ours = 0, reference = 0;
    for (var i = 0; i < rounds; i++)
    {
        ours = Math.Max(ours, await OursAsync());
        reference = Math.Max(reference, await CurlAsync());
    }
    report.Add(new BenchFigure("curl-bulk-throughput", reference, "docs/s", null, null));
    report.Add(new BenchFigure("elasticsearch-export-throughput", ours, "docs/s", ours / reference, 0.8, Better.Higher, TargetIsRatio: true));
}
finally
{
    Directory.Delete(root, recursive: true);
}
return report.ExitCode();
