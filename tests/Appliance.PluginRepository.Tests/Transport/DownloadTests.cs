using Appliance.PluginRepository.Tests.Support;

namespace Appliance.PluginRepository.Tests.Transport;

/// <summary>Package downloads from the loopback HTTPS server: resumed with Range after a cut, hashed, limited, timed out; curl as the reference.</summary>
public sealed class DownloadTests : IAsyncLifetime
{
    private const int Size = 3 * 1024 * 1024;
    private ServedRepository _served = null!;
    private string _package = null!;
    private string _part = null!;

    public async Task InitializeAsync()
    {
        _served = await ServedRepository.StartAsync();
        _package = _served.PublishRandomPackage(Size);
        _part = Path.Combine(_served.Repository.Root, "downloads", "p.part");
    }

    public async Task DisposeAsync() => await _served.DisposeAsync();

    private Uri PackageUri => new(_served.Server.BaseUri, "packages/test.random-1.0.0.zip");

    private long Length => new FileInfo(_package).Length;

    private Task<Abstractions.Result<string>> DownloadAsync(string? sha = null, long? size = null, TimeSpan? timeout = null, long bytesPerSecond = 0, IProgress<DownloadProgress>? progress = null) =>
        _served.Client(_served.Settings(timeout, bytesPerSecond: bytesPerSecond))
            .DownloadAsync(PackageUri, size ?? Length, sha ?? ServedRepository.Sha256(_package), _part, progress, CancellationToken.None);

    [Fact]
    public async Task A_download_cut_midway_resumes_with_a_range_request()
    {
        _served.Server.CutNextTransferAfter(1_000_000);
        var first = await DownloadAsync();
        Assert.Equal("interrupted", first.Failure?.Code);
        var kept = new FileInfo(_part).Length;
        Assert.InRange(kept, 1, 1_000_000);

        var seen = new List<DownloadProgress>();
        var second = await DownloadAsync(progress: new SyncProgress(seen.Add));
        Assert.True(second.IsOk, second.Failure?.ToString());
        Assert.Contains(_served.Server.Requests, r => r == $"GET /repo/packages/test.random-1.0.0.zip range=bytes={kept}-");
        Assert.Equal(ServedRepository.Sha256(_package), ServedRepository.Sha256(second.Value));
        Assert.Equal(kept, seen[0].Received);
        Assert.Equal(Length, seen[^1].Received);

        // curl, the reference client, resumes the same way and gets the same bytes.
        var curlPart = Path.Combine(_served.Repository.Root, "curl.part");
        File.WriteAllBytes(curlPart, File.ReadAllBytes(_package)[..(int)kept]);
        var curl = await Curl.ShellAsync($"curl -s --cacert {_served.Tls.PemPath} -C - -o {curlPart} {PackageUri} && sha256sum {curlPart}");
        Assert.Equal(0, curl.Code);
        Assert.StartsWith(ServedRepository.Sha256(_package), curl.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flipped_byte_in_the_package_is_refused_and_deleted()
    {
        var sha = ServedRepository.Sha256(_package);
        var bytes = File.ReadAllBytes(_package);
        bytes[Size / 2] ^= 0x01;
        File.WriteAllBytes(_package, bytes);
        var result = await DownloadAsync(sha);
        Assert.Equal("bad-hash", result.Failure?.Code);
        Assert.Contains($"does not match the signed index ({sha})", result.Failure!.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_part));
    }

    [Fact]
    public async Task More_bytes_than_the_index_announces_are_refused()
    {
        var result = await DownloadAsync(size: Length - 100);
        Assert.Equal("too-large", result.Failure?.Code);
        Assert.False(File.Exists(_part));
    }

    [Fact]
    public async Task A_stale_part_longer_than_the_package_is_started_again()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_part)!);
        File.WriteAllBytes(_part, new byte[Length + 10]);
        var result = await DownloadAsync();
        Assert.True(result.IsOk, result.Failure?.ToString());
        Assert.DoesNotContain(_served.Server.Requests, r => r.Contains("range=bytes=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_repository_that_answers_slowly_forever_times_out_keeping_nothing_half_done()
    {
        _served.Server.SlowForever = true;
        var result = await DownloadAsync(timeout: TimeSpan.FromSeconds(2));
        Assert.Equal("timeout", result.Failure?.Code);
    }

    [Fact]
    public async Task The_bandwidth_limit_holds()
    {
        var started = DateTime.UtcNow;
        var result = await DownloadAsync(bytesPerSecond: 2 * 1024 * 1024);
        Assert.True(result.IsOk, result.Failure?.ToString());
        // 3 MiB at 2 MiB/s: at least 1.5 s (unlimited, loopback takes a few tens of milliseconds).
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1.4), $"took {DateTime.UtcNow - started}");
    }

    private sealed class SyncProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}

/// <summary>A disk too full for the download (a 1 MiB tmpfs mounted by the test): refused before a byte is fetched.</summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private ServedRepository _served = null!;
    private string _mount = null!;

    public async Task InitializeAsync()
    {
        _served = await ServedRepository.StartAsync();
        _served.PublishRandomPackage(3 * 1024 * 1024);
        _mount = Path.Combine(_served.Repository.Root, "small-disk");
        Directory.CreateDirectory(_mount);
        var mounted = await Curl.ShellAsync($"mount -t tmpfs -o size=1m tmpfs {_mount}");
        Assert.True(mounted.Code == 0, "mounting a 1 MiB tmpfs needs root: " + mounted.Output);
    }

    public async Task DisposeAsync()
    {
        await Curl.ShellAsync($"umount {_mount}");
        await _served.DisposeAsync();
    }

    [Fact]
    public async Task A_disk_too_full_for_the_download_is_a_clear_error()
    {
        var package = _served.Repository.PackagePath("test.random", "1.0.0");
        var part = Path.Combine(_mount, "downloads", "p.part");
        var result = await _served.Client(_served.Settings()).DownloadAsync(new Uri(_served.Server.BaseUri, "packages/test.random-1.0.0.zip"),
            new FileInfo(package).Length, ServedRepository.Sha256(package), part, null, CancellationToken.None);
        Assert.Equal("disk-full", result.Failure?.Code);
        Assert.Contains("more bytes are needed in", result.Failure!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_served.Server.Requests, r => r.Contains("/packages/", StringComparison.Ordinal));
        Assert.False(File.Exists(part));
    }
}
