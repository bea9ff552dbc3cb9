using System.Security.Cryptography;
using Appliance.Testing;
using Appliance.Tools.PluginRepo;

namespace Appliance.PluginRepository.Tests.Support;

/// <summary>A <see cref="TestRepository"/> served by a <see cref="RepositoryServer"/> over HTTPS on loopback, and a client for it.</summary>
public sealed class ServedRepository : IAsyncDisposable
{
    private ServedRepository(TestRepository repository, TestTls tls, RepositoryServer server)
    {
        Repository = repository;
        Tls = tls;
        Server = server;
    }

    public TestRepository Repository { get; }

    public TestTls Tls { get; }

    public RepositoryServer Server { get; }

    public static async Task<ServedRepository> StartAsync()
    {
        var repository = new TestRepository();
        var tls = TestTls.Create(repository.Root);
        var server = await RepositoryServer.StartAsync(repository.Folder, tls.Certificate);
        return new ServedRepository(repository, tls, server);
    }

    public TransportSettings Settings(TimeSpan? timeout = null, Uri? proxy = null, string? user = null, string? password = null, long bytesPerSecond = 0) => new()
    {
        TrustedCaFile = Tls.PemPath,
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
        Stall = timeout ?? TimeSpan.FromSeconds(10),
        Proxy = proxy,
        ProxyUser = user,
        ProxyPassword = password,
        BytesPerSecond = bytesPerSecond,
    };

    public RepositoryClient Client(TransportSettings settings) => new(RepositoryHttp.Create(settings), settings, TimeProvider.System);

    /// <summary>A zip of random bytes around a valid manifest, published as the only package (serial 1).</summary>
    public string PublishRandomPackage(int bytes, long serial = 1)
    {
        var zip = Path.Combine(Repository.Root, $"random-{bytes}.zip");
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(archive.CreateEntry("plugin.json").Open()))
                writer.Write(Appliance.Testing.TestPluginBuilder.ProbeManifest("test.random", "1.0.0", null, null).ToJsonString());
            using var data = archive.CreateEntry("data.bin", System.IO.Compression.CompressionLevel.NoCompression).Open();
            data.Write(RandomNumberGenerator.GetBytes(bytes));
        }
        Repository.Publish(serial, [TestRepository.Stable(zip)]);
        return Repository.PackagePath("test.random", "1.0.0");
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Repository.Dispose();
    }
}
