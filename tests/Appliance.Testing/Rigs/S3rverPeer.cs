using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>
/// The npm <c>s3rver</c> (pinned in plugins/Recording/tests/Recording.ObjectStorage.Tests/s3peer) on 127.0.0.1: an
/// S3-compatible server keeping buckets in a directory, checking SigV4 signatures against its one account
/// (<see cref="AccessKey"/>/<see cref="SecretKey"/>). Optionally over TLS with a PEM key and certificate. Killed by its
/// own pid (SIGKILL), so a test can cut the link mid-upload and start it again on the same directory and port.
/// </summary>
public sealed class S3rverPeer : IDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly PeerProcess _process;

    private S3rverPeer(PeerProcess process, int port, string directory, bool tls)
    {
        _process = process;
        Port = port;
        Directory = directory;
        ServiceUrl = new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{port}");
    }

    public int Port { get; }

    public string Directory { get; }

    public Uri ServiceUrl { get; }

    public static string PeerDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !System.IO.Directory.Exists(Path.Combine(dir.FullName, "plugins", "Recording"))) dir = dir.Parent;
            return Path.Combine(dir!.FullName, "plugins", "Recording", "tests", "Recording.ObjectStorage.Tests", "s3peer");
        }
    }

    /// <summary>
    /// Starts s3rver on <paramref name="port"/> keeping its data in <paramref name="directory"/> with
    /// <paramref name="buckets"/> created; its log appended to <paramref name="logPath"/>. Waits until it accepts connections.
    /// </summary>
    public static async Task<S3rverPeer> StartAsync(string directory, int port, string logPath, IEnumerable<string> buckets, (string CertPath, string KeyPath)? tls = null)
    {
        var script = Path.Combine(PeerDirectory, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script)) throw new InvalidOperationException($"run npm ci in {PeerDirectory} (build.sh does)");
        System.IO.Directory.CreateDirectory(directory);
        var args = new List<string> { script, "-d", directory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var bucket in buckets) args.AddRange(["--configure-bucket", bucket]);
        if (tls is { } pair) args.AddRange(["--cert", pair.CertPath, "--key", pair.KeyPath]);
        var process = PeerProcess.Start("node", args, logPath);
        var peer = new S3rverPeer(process, port, directory, tls is not null);
        await Eventually.UntilAsync(
            async () =>
            {
                if (process.HasExited) throw new InvalidOperationException("s3rver exited: " + process.Log());
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return true;
            },
            $"s3rver listening on 127.0.0.1:{port}",
            diagnostics: process.Log);
        return peer;
    }

    /// <summary>Its log so far (one line per request, "Stored part N of UPLOAD" per part it stored).</summary>
    public string Log() => _process.Log();

    /// <summary>SIGKILL: connections drop at once, as on a cut link.</summary>
    public void Kill() => _process.Stop();

    public void Dispose() => _process.Dispose();
}
