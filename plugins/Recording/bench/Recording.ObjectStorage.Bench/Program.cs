using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Appliance.Benchmarking;
using Appliance.Plugins.Recording.ObjectStorage;
using Appliance.Testing;

// Issue 20's upload figure: throughput of the exporter (multipart in 8 MiB parts, Content-MD5 per part, ETag check,
// journal fsynced per part, HEAD and whole-file check after completion) vs `curl -T` (one PUT, no checks) of the same
// file to the same s3rver on loopback, as a ratio (no target in the issue: shown for information). Each side runs the
// same number of rounds, alternating; the best round of each counts (loopback noise on 2 cores).
var report = BenchReport.FromArgs(args);
var size = report.Smoke ? 12L * 1024 * 1024 : 128L * 1024 * 1024;
var rounds = report.Smoke ? 1 : 3;

var root = Directory.CreateTempSubdirectory("appl-s3-bench-").FullName;
try
{
    var file = Path.Combine(root, "clip.mp4");
    await using (var output = File.Create(file))
    {
        var chunk = new byte[1024 * 1024];
        for (long written = 0; written < size; written += chunk.Length)
        {
            RandomNumberGenerator.Fill(chunk);
            await output.WriteAsync(chunk);
        }
    }

    using var peer = await S3rverPeer.StartAsync(Path.Combine(root, "s3data"), FreePort.Tcp(), Path.Combine(root, "s3rver.log"), ["clips"]);
    var destination = new S3Destination
    {
        ServiceUrl = peer.ServiceUrl,
        Bucket = "clips",
        AccessKey = S3rverPeer.AccessKey,
        SecretKey = S3rverPeer.SecretKey,
    };
    var queue = UploadQueue.Open(Path.Combine(root, "queue"), TimeProvider.System).Value;
    using var exporter = ObjectExporter.Create(destination, queue, TimeProvider.System).Value;
    var round = 0;

    // The same file as one PUT (part size above its size): the same request shape as curl's, with our checks.
    async Task<double> OursAsync(bool multipart)
    {
        var item = queue.Enqueue(file, $"ours/{round++}.mp4", multipart ? destination.PartSize : S3Destination.MaxPartSize);
        var watch = Stopwatch.StartNew();
        var result = await exporter.AttemptAsync(item.Value.Id, CancellationToken.None);
        var elapsed = watch.Elapsed;
        if (!result.IsOk) throw new InvalidOperationException(result.Failure!.ToString());
        return size / elapsed.TotalSeconds;
    }

    async Task<double> CurlAsync()
    {
        var url = new Uri(peer.ServiceUrl, $"/clips/curl/{round++}.mp4");
        var watch = Stopwatch.StartNew();
        using var curl = Process.Start(new ProcessStartInfo("curl", ["-s", "-f", "-o", "/dev/null", "-T", file, url.ToString()]) { RedirectStandardError = true })!;
        var error = await curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        var elapsed = watch.Elapsed;
        if (curl.ExitCode != 0) throw new InvalidOperationException($"curl -T exited {curl.ExitCode}: {error}");
        return size / elapsed.TotalSeconds;
    }

    await OursAsync(multipart: true); // warm-up: JIT, connections, page cache
    await OursAsync(multipart: false);
    await CurlAsync();
    double multipartBest = 0, singleBest = 0, reference = 0;
    for (var i = 0; i < rounds; i++)
    {
        multipartBest = Math.Max(multipartBest, await OursAsync(multipart: true));
        singleBest = Math.Max(singleBest, await OursAsync(multipart: false));
        reference = Math.Max(reference, await CurlAsync());
    }

    // The multipart figure includes s3rver assembling the object from its parts on completion (it copies every byte
    // once more), which a single PUT does not ask of it.
    const double MiB = 1024 * 1024;
    report.Add(new BenchFigure("curl-put-s3rver-throughput", reference / MiB, "MiB/s", null, null));
    report.Add(new BenchFigure("s3-export-single-put-throughput", singleBest / MiB, "MiB/s", singleBest / reference, null, Better.Higher));
    report.Add(new BenchFigure("s3-export-multipart-throughput", multipartBest / MiB, "MiB/s", multipartBest / reference, null, Better.Higher));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size / MiB:0} MiB file, {rounds} rounds each, best round counted; exporter sent {exporter.BytesSent / MiB:0.#} MiB of bodies in all"));
}
finally
{
    Directory.Delete(root, recursive: true);
}

return report.ExitCode();
