using Appliance.Core.PluginRepository;
using Appliance.PluginRepository;
using Appliance.Tools.PluginRepo;

namespace Appliance.PluginRepository.Tests.Support;

/// <summary>
/// A repository folder built by the repository tool (<see cref="RepositoryBuilder"/>) with its own Ed25519 key, and
/// the trust folder an appliance would have for it. Tests publish, re-sign and tamper with it.
/// </summary>
public sealed class TestRepository : IDisposable
{
    public TestRepository(string name = "repo")
    {
        Root = Directory.CreateTempSubdirectory("appl-prepo-").FullName;
        Folder = Path.Combine(Root, "www");
        Directory.CreateDirectory(Folder);
        TrustFolder = Path.Combine(Root, "trust");
        Seed = RepositoryBuilder.GenerateKey(Path.Combine(Root, "keys"), name);
        Directory.CreateDirectory(TrustFolder);
        File.Copy(Path.Combine(Root, "keys", name + ".pub"), Path.Combine(TrustFolder, name + ".pub"));
    }

    public string Root { get; }

    /// <summary>What the server serves under /repo/.</summary>
    public string Folder { get; }

    /// <summary>The appliance's trust roots: this repository's public key only.</summary>
    public string TrustFolder { get; }

    public byte[] Seed { get; }

    public IReadOnlyList<TrustedKey> Keys => TrustRoots.Load(TrustFolder).Keys;

    public static DateTimeOffset Now => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    /// <summary>Publishes the zips (channel, models, zip) under a serial, valid from an hour ago for <paramref name="validFor"/> (default a day).</summary>
    public void Publish(long serial, IEnumerable<PackageEntry> packages, TimeSpan? validFor = null, DateTimeOffset? published = null)
    {
        var from = published ?? Now.AddHours(-1);
        var built = RepositoryBuilder.Build(Folder, Seed, serial, from, from + (validFor ?? TimeSpan.FromDays(1)), packages.ToList());
        Assert.True(built.IsOk, built.Failure?.ToString());
    }

    /// <summary>Signs the index bytes as given (tests that write indexes the tool would not).</summary>
    public void WriteSigned(byte[] index, byte[]? seed = null) => RepositoryBuilder.Write(Folder, index, seed ?? Seed);

    public string PackagePath(string id, string version) => Path.Combine(Folder, "packages", $"{id}-{version}.zip");

    public static PackageEntry Stable(string zip, params string[] models) => new(zip, "stable", models.Length == 0 ? ["*"] : models);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
