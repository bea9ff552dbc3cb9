using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Appliance.Plugins.Recording.ObjectStorage;

namespace Appliance.Plugins.Recording.ObjectStorage.Tests;

/// <summary>A test's folder (files to upload, the queue, s3rver's data and logs), its s3rver and its destination.</summary>
internal sealed partial class S3Rig : IAsyncDisposable
{
    public const string Bucket = "clips";
    public const long PartSize = S3Destination.MinPartSize;

    private readonly List<S3rverPeer> _peers = [];
    private int _logs;

    private S3Rig(string root, int port)
    {
        Root = root;
        Port = port;
    }

    public string Root { get; }

    public int Port { get; }

    public string QueueDirectory => Path.Combine(Root, "queue");

    public S3rverPeer Peer => _peers[^1];

    public static async Task<S3Rig> StartAsync((string CertPath, string KeyPath)? tls = null)
    {
        var rig = new S3Rig(Directory.CreateTempSubdirectory("appl-s3-").FullName, FreePort.Tcp());
        await rig.StartPeerAsync(tls);
        return rig;
    }

    /// <summary>(Re)starts s3rver on the same port and data directory, with a log of its own.</summary>
    public async Task<S3rverPeer> StartPeerAsync((string CertPath, string KeyPath)? tls = null)
    {
        var log = Path.Combine(Root, $"s3rver-{++_logs}.log");
        var peer = await S3rverPeer.StartAsync(Path.Combine(Root, "s3data"), Port, log, [Bucket], tls);
        _peers.Add(peer);
        return peer;
    }

    public S3Destination Destination(long bandwidth = 0) => new()
    {
        ServiceUrl = Peer.ServiceUrl,
        Bucket = Bucket,
        AccessKey = S3rverPeer.AccessKey,
        SecretKey = S3rverPeer.SecretKey,
        PartSize = PartSize,
        BandwidthBytesPerSecond = bandwidth,
    };

    public static RetryPolicy QuickRetry(int maxAttempts = 50) => new()
    {
        MaxAttempts = maxAttempts,
        FirstDelay = TimeSpan.FromMilliseconds(200),
        MaxDelay = TimeSpan.FromSeconds(1),
    };

    public UploadQueue OpenQueue() => UploadQueue.Open(QueueDirectory, TimeProvider.System).Value;

    public ObjectExporter Exporter(UploadQueue queue, S3Destination? destination = null, RetryPolicy? retry = null)
    {
        var created = ObjectExporter.Create(destination ?? Destination(), queue, TimeProvider.System, retry ?? QuickRetry());
        Assert.True(created.IsOk, created.ToString());
        return created.Value;
    }

    /// <summary>A file of <paramref name="size"/> random bytes.</summary>
    public string File(string name, long size)
    {
        var path = Path.Combine(Root, name);
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Sha256(string path) => Sha256(System.IO.File.ReadAllBytes(path));

    /// <summary>The object as s3rver serves it to an anonymous GET (s3rver checks signatures only when one is sent).</summary>
    public async Task<byte[]> DownloadAsync(string key, HttpMessageHandler? handler = null)
    {
        using var http = handler is null ? new HttpClient() : new HttpClient(handler);
        using var response = await http.GetAsync(new Uri(Peer.ServiceUrl, $"/{Bucket}/{key}"));
        Assert.True(response.IsSuccessStatusCode, $"GET {key}: {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The part numbers of <paramref name="uploadId"/> a log says s3rver stored, in order, repeats kept.</summary>
    public static IReadOnlyList<int> StoredParts(string log, string uploadId) =>
        [.. StoredPart().Matches(log).Where(m => m.Groups[2].Value == uploadId).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    public string AllLogs() => string.Join("\n", _peers.Select(p => p.Log()));

    [GeneratedRegex(@"Stored part (\d+) of ([0-9a-f]+)")]
    private static partial Regex StoredPart();

    public ValueTask DisposeAsync()
    {
        foreach (var peer in _peers)
        {
            peer.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
