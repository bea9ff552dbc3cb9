using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Plugins.Recording.ObjectStorage;

namespace Appliance.Plugins.Recording.ObjectStorage.Tests;

/// <summary>
/// What the exporter says when the endpoint or the file is not what it should be, against the same real s3rver.
/// s3rver knows one account (S3RVER/S3RVER): another access key is answered 403 InvalidAccessKeyId, as S3 does.
/// </summary>
public sealed class FailureTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task An_access_key_the_bucket_does_not_know_fails_as_auth_at_once_and_goes_through_once_fixed()
    {
        await using var rig = await S3Rig.StartAsync();
        var queue = rig.OpenQueue();
        using var exporter = rig.Exporter(queue, rig.Destination() with { AccessKey = "WRONGKEY" });
        var item = queue.Enqueue(rig.File("a.mp4", 1000), "a.mp4", S3Rig.PartSize).Value;

        using var cts = new CancellationTokenSource(Limit);
        await exporter.DrainAsync(cts.Token);

        var failed = queue.Find(item.Id)!;
        Assert.Equal(UploadState.Failed, failed.State);
        Assert.Equal(S3Failures.Auth, failed.FailureCode);
        Assert.Contains("InvalidAccessKeyId", failed.FailureMessage, StringComparison.Ordinal);
        Assert.Equal(1, failed.Attempts);

        // Once the credentials are right, the same item goes through when put back.
        using var fixedExporter = rig.Exporter(queue);
        Assert.True(queue.Requeue(item.Id).IsOk);
        await fixedExporter.DrainAsync(cts.Token);
        Assert.Equal(UploadState.Done, queue.Find(item.Id)!.State);
    }

    /// <remarks>
    /// s3rver 3.7.1 checks the access key but not SigV4 signatures (its authentication middleware: "Signature version 4
    /// calculation is unimplemented"), so a wrong secret passes there. The mapping of S3's answer to a wrong secret is
    /// held here against a loopback server that answers every request as S3 documents it (403 and the error XML).
    /// </remarks>
    [Theory]
    [InlineData("SignatureDoesNotMatch")]
    [InlineData("AccessDenied")]
    public async Task An_s3_refusal_of_the_signature_fails_as_auth(string code)
    {
        var answer = System.Text.Encoding.ASCII.GetBytes(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>refused by the test server</Message><RequestId>1</RequestId></Error>");
        var head = System.Text.Encoding.ASCII.GetBytes(
            $"HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: {answer.Length}\r\nConnection: close\r\n\r\n");
        await using var server = new RecordingTcpServer(_ => [.. head, .. answer], readToEnd: false);
        var root = Directory.CreateTempSubdirectory("appl-s3-").FullName;
        try
        {
            var queue = UploadQueue.Open(Path.Combine(root, "queue"), TimeProvider.System).Value;
            var destination = new S3Destination
            {
                ServiceUrl = new Uri($"http://127.0.0.1:{server.Port}"),
                Bucket = S3Rig.Bucket,
                AccessKey = S3rverPeer.AccessKey,
                SecretKey = "wrong-secret",
            };
            using var exporter = ObjectExporter.Create(destination, queue, TimeProvider.System, S3Rig.QuickRetry()).Value;
            var path = Path.Combine(root, "f.mp4");
            await File.WriteAllBytesAsync(path, new byte[100]);
            var item = queue.Enqueue(path, "f.mp4", S3Rig.PartSize).Value;

            var attempt = await exporter.AttemptAsync(item.Id, CancellationToken.None);

            Assert.Equal(S3Failures.Auth, attempt.Failure?.Code);
            Assert.Contains(code, attempt.Failure!.Message, StringComparison.Ordinal);
            Assert.Equal(UploadState.Failed, queue.Find(item.Id)!.State);
            Assert.NotEmpty(server.Received);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_bucket_that_does_not_exist_fails_as_no_bucket()
    {
        await using var rig = await S3Rig.StartAsync();
        var queue = rig.OpenQueue();
        using var exporter = rig.Exporter(queue, rig.Destination() with { Bucket = "no-such-bucket" });
        var small = queue.Enqueue(rig.File("s.mp4", 10), "s.mp4", S3Rig.PartSize).Value;
        var large = queue.Enqueue(rig.File("l.mp4", S3Rig.PartSize + 1), "l.mp4", S3Rig.PartSize).Value;

        using var cts = new CancellationTokenSource(Limit);
        await exporter.DrainAsync(cts.Token);

        foreach (var id in new[] { small.Id, large.Id })
        {
            var failed = queue.Find(id)!;
            Assert.Equal(UploadState.Failed, failed.State);
            Assert.Equal(S3Failures.NoBucket, failed.FailureCode);
            Assert.Contains("no-such-bucket", failed.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_endpoint_nobody_listens_on_is_transport_retried_then_given_up()
    {
        var root = Directory.CreateTempSubdirectory("appl-s3-").FullName;
        try
        {
            var queue = UploadQueue.Open(Path.Combine(root, "queue"), TimeProvider.System).Value;
            var destination = new S3Destination
            {
                ServiceUrl = new Uri($"http://127.0.0.1:{FreePort.Tcp()}"),
                Bucket = S3Rig.Bucket,
                AccessKey = S3rverPeer.AccessKey,
                SecretKey = S3rverPeer.SecretKey,
            };
            using var exporter = ObjectExporter.Create(destination, queue, TimeProvider.System, S3Rig.QuickRetry(maxAttempts: 3)).Value;
            var path = Path.Combine(root, "f.mp4");
            await File.WriteAllBytesAsync(path, new byte[100]);
            var item = queue.Enqueue(path, "f.mp4", S3Rig.PartSize).Value;

            var first = await exporter.AttemptAsync(item.Id, CancellationToken.None);
            Assert.Equal(S3Failures.Transport, first.Failure?.Code);
            var waiting = queue.Find(item.Id)!;
            Assert.Equal(UploadState.Queued, waiting.State);
            Assert.True(waiting.NextAttempt > DateTimeOffset.UtcNow, "a backoff before the next attempt");

            using var cts = new CancellationTokenSource(Limit);
            await exporter.DrainAsync(cts.Token);
            var failed = queue.Find(item.Id)!;
            Assert.Equal(UploadState.Failed, failed.State);
            Assert.Equal(S3Failures.Transport, failed.FailureCode);
            Assert.Equal(3, failed.Attempts);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_local_file_truncated_or_removed_after_queueing_fails_as_local_file_naming_it()
    {
        await using var rig = await S3Rig.StartAsync();
        var queue = rig.OpenQueue();
        using var exporter = rig.Exporter(queue);
        var truncated = rig.File("t.mp4", S3Rig.PartSize + 5000);
        var removed = rig.File("r.mp4", 5000);
        var kept = rig.File("k.mp4", 5000);
        var t = queue.Enqueue(truncated, "t.mp4", S3Rig.PartSize).Value;
        var r = queue.Enqueue(removed, "r.mp4", S3Rig.PartSize).Value;
        var k = queue.Enqueue(kept, "k.mp4", S3Rig.PartSize).Value;
        await using (var stream = new FileStream(truncated, FileMode.Open))
        {
            stream.SetLength(S3Rig.PartSize / 2);
        }

        File.Delete(removed);

        using var cts = new CancellationTokenSource(Limit);
        await exporter.DrainAsync(cts.Token);

        var tItem = queue.Find(t.Id)!;
        Assert.Equal(UploadState.Failed, tItem.State);
        Assert.Equal(S3Failures.LocalFile, tItem.FailureCode);
        Assert.Contains("truncated", tItem.FailureMessage, StringComparison.Ordinal);
        var rItem = queue.Find(r.Id)!;
        Assert.Equal(S3Failures.LocalFile, rItem.FailureCode);
        Assert.Contains("is gone", rItem.FailureMessage, StringComparison.Ordinal);
        Assert.Equal(UploadState.Done, queue.Find(k.Id)!.State);
    }

    [Fact]
    public async Task A_corrupt_journal_is_moved_aside_and_named_and_the_other_items_still_upload()
    {
        await using var rig = await S3Rig.StartAsync();
        var queue = rig.OpenQueue();
        var good = queue.Enqueue(rig.File("g.mp4", 2000), "g.mp4", S3Rig.PartSize).Value;
        var garbage = queue.Enqueue(rig.File("x.mp4", 2000), "x.mp4", S3Rig.PartSize).Value;
        var halved = queue.Enqueue(rig.File("h.mp4", 2000), "h.mp4", S3Rig.PartSize).Value;
        var hostile = queue.Enqueue(rig.File("y.mp4", 2000), "y.mp4", S3Rig.PartSize).Value;
        await File.WriteAllBytesAsync(Path.Combine(rig.QueueDirectory, garbage.Id + ".json"), [0xFF, 0x00, 0x7B, 0x13]);
        var halvedPath = Path.Combine(rig.QueueDirectory, halved.Id + ".json");
        var text = await File.ReadAllTextAsync(halvedPath);
        await File.WriteAllTextAsync(halvedPath, text[..(text.Length / 2)]);
        var hostilePath = Path.Combine(rig.QueueDirectory, hostile.Id + ".json");
        await File.WriteAllTextAsync(hostilePath, (await File.ReadAllTextAsync(hostilePath)).Replace("\"parts\": []", "\"parts\": [{\"number\": 99999, \"eTag\": \"x\", \"md5\": \"\", \"size\": 1}]", StringComparison.Ordinal));

        var reopened = rig.OpenQueue();

        Assert.Equal(3, reopened.Problems.Count);
        Assert.Contains(reopened.Problems, p => p.StartsWith(garbage.Id, StringComparison.Ordinal) && p.Contains("not a queue journal", StringComparison.Ordinal));
        Assert.Contains(reopened.Problems, p => p.StartsWith(halved.Id, StringComparison.Ordinal));
        Assert.Contains(reopened.Problems, p => p.StartsWith(hostile.Id, StringComparison.Ordinal) && p.Contains("beyond the file", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(rig.QueueDirectory, "corrupt", garbage.Id + ".json")));
        Assert.Equal([good.Id], reopened.Items().Select(i => i.Id));

        using var exporter = rig.Exporter(reopened);
        using var cts = new CancellationTokenSource(Limit);
        await exporter.DrainAsync(cts.Token);
        Assert.Equal(UploadState.Done, reopened.Find(good.Id)!.State);

        // Opened once more: the problems were dealt with, nothing new is lost.
        var third = rig.OpenQueue();
        Assert.Empty(third.Problems);
        Assert.Single(third.Items());
    }

    [Fact]
    public async Task Over_https_the_given_ca_is_trusted_and_another_is_refused_as_tls()
    {
        var root = Directory.CreateTempSubdirectory("appl-s3-tls-").FullName;
        try
        {
            var (certPath, keyPath, caPem) = SelfSigned(root, "s3");
            var (_, _, otherPem) = SelfSigned(root, "other");
            await using var rig = await S3Rig.StartAsync((certPath, keyPath));
            Assert.Equal("https", rig.Peer.ServiceUrl.Scheme);
            var queue = rig.OpenQueue();
            var file = rig.File("tls.mp4", S3Rig.PartSize + 100);
            var item = queue.Enqueue(file, "tls.mp4", S3Rig.PartSize).Value;

            using (var refused = rig.Exporter(queue, rig.Destination() with { CaPem = otherPem }))
            {
                var attempt = await refused.AttemptAsync(item.Id, CancellationToken.None);
                Assert.Equal(S3Failures.Tls, attempt.Failure?.Code);
            }

            Assert.True(queue.Requeue(item.Id).IsOk);
            using var exporter = rig.Exporter(queue, rig.Destination() with { CaPem = caPem });
            using var cts = new CancellationTokenSource(Limit);
            await exporter.DrainAsync(cts.Token);
            Assert.Equal(UploadState.Done, queue.Find(item.Id)!.State);

            var trusted = X509CertificateLoader.LoadCertificateFromFile(certPath);
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == trusted.Thumbprint };
            Assert.Equal(S3Rig.Sha256(file), S3Rig.Sha256(await rig.DownloadAsync("tls.mp4", handler)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static (string CertPath, string KeyPath, string Pem) SelfSigned(string folder, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name} test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pem = certificate.ExportCertificatePem();
        var certPath = Path.Combine(folder, name + ".crt");
        var keyPath = Path.Combine(folder, name + ".key");
        File.WriteAllText(certPath, pem);
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath, pem);
    }
}
