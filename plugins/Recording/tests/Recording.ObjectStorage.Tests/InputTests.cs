using Appliance.Abstractions;
using Appliance.Plugins.Recording.ObjectStorage;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Plugins.Recording.ObjectStorage.Tests;

/// <summary>Settings, keys and files the exporter refuses before any request, each error naming its culprit; the token bucket on a fake clock.</summary>
public sealed class InputTests
{
    private static S3Destination Good => new()
    {
        ServiceUrl = new Uri("https://s3.example.invalid"),
        Bucket = "clips",
        AccessKey = "a",
        SecretKey = "s",
    };

    [Fact]
    public void Good_settings_have_no_error() => Assert.Empty(Good.Validate());

    [Fact]
    public void Every_bad_setting_is_named()
    {
        var bad = Good with
        {
            ServiceUrl = new Uri("ftp://x"),
            Region = " ",
            Bucket = "Bad_Bucket",
            AccessKey = "",
            SecretKey = "",
            PartSize = 1024,
            BandwidthBytesPerSecond = -1,
            RequestTimeout = TimeSpan.Zero,
        };

        var errors = bad.Validate();

        foreach (var field in new[] { "serviceUrl", "region", "bucket", "accessKey", "secretKey", "partSize", "bandwidthBytesPerSecond", "requestTimeout" })
        {
            Assert.Contains(errors, e => e.StartsWith(field + ":", StringComparison.Ordinal));
        }

        var created = ObjectExporter.Create(bad, UploadQueue.Open(Temp(), TimeProvider.System).Value, TimeProvider.System);
        Assert.Equal(Failure.InvalidCode, created.Failure?.Code);
        Assert.Equal(8, created.Failure!.Errors.Count);
    }

    [Fact]
    public void A_bandwidth_limit_at_which_a_part_cannot_finish_within_the_request_timeout_is_refused()
    {
        var slow = Good with { PartSize = 8L * 1024 * 1024, BandwidthBytesPerSecond = 16 * 1024, RequestTimeout = TimeSpan.FromMinutes(5) };

        var error = Assert.Single(slow.Validate());

        Assert.StartsWith("bandwidthBytesPerSecond:", error, StringComparison.Ordinal);
        Assert.Empty((slow with { RequestTimeout = TimeSpan.FromMinutes(15) }).Validate());
    }

    [Theory]
    [InlineData("not a pem")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")]
    public void A_ca_that_is_not_a_certificate_is_refused(string pem)
    {
        var created = ObjectExporter.Create(Good with { CaPem = pem }, UploadQueue.Open(Temp(), TimeProvider.System).Value, TimeProvider.System);
        Assert.Equal(Failure.InvalidCode, created.Failure?.Code);
        Assert.StartsWith("caPem:", created.Failure!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a\nb", "control character")]
    public void Keys_s3_would_not_take_are_refused(string key, string why)
    {
        var dir = Temp();
        var queue = UploadQueue.Open(Path.Combine(dir, "q"), TimeProvider.System).Value;
        var file = Path.Combine(dir, "f");
        File.WriteAllBytes(file, [1]);

        var result = queue.Enqueue(file, key, S3Destination.MinPartSize);

        Assert.Equal(Failure.InvalidCode, result.Failure?.Code);
        Assert.Contains(why, result.Failure!.Message, StringComparison.Ordinal);
        Assert.Empty(queue.Items());
    }

    [Fact]
    public void An_oversized_key_a_missing_file_and_a_bad_part_size_are_refused()
    {
        var dir = Temp();
        var queue = UploadQueue.Open(Path.Combine(dir, "q"), TimeProvider.System).Value;
        var file = Path.Combine(dir, "f");
        File.WriteAllBytes(file, [1]);

        Assert.Contains("1024 bytes", queue.Enqueue(file, new string('k', 1025), S3Destination.MinPartSize).Failure!.Message, StringComparison.Ordinal);
        Assert.Equal("local-file", queue.Enqueue(Path.Combine(dir, "missing"), "k", S3Destination.MinPartSize).Failure?.Code);
        Assert.Contains("part size", queue.Enqueue(file, "k", 100).Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("part size", queue.Enqueue(file, "k", 1L << 30).Failure!.Message, StringComparison.Ordinal);
        Assert.Contains((Good with { PartSize = 1L << 30 }).Validate(), e => e.StartsWith("partSize:", StringComparison.Ordinal));
        Assert.Empty(queue.Items());
    }

    [Fact]
    public async Task The_token_bucket_lets_a_quarter_second_through_then_waits_for_the_clock()
    {
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket(64 * 1024, clock);

        await bucket.TakeAsync(TokenBucket.ChunkSize, CancellationToken.None);
        var second = bucket.TakeAsync(TokenBucket.ChunkSize, CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(60));
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await bucket.TakeAsync(TokenBucket.ChunkSize + 1, CancellationToken.None));
    }

    private static string Temp() => Directory.CreateTempSubdirectory("appl-s3-input-").FullName;
}
