using System.IO.Compression;
using System.Security.Cryptography;
using Appliance.Abstractions;
using Appliance.Core.Manifest;
using Appliance.Core.PluginRepository;
using Appliance.PluginRepository;

namespace Appliance.Tools.PluginRepo;

/// <summary>One package to publish: the zip, the channel it goes in and the hardware models it is for ("*": any).</summary>
public sealed record PackageEntry(string Zip, string Channel, IReadOnlyList<string> Hardware);

/// <summary>
/// Builds a repository folder: copies each zip to <c>packages/&lt;id&gt;-&lt;version&gt;.zip</c>, reads its manifest
/// (id, version, host API), writes <c>index.json</c> with sizes and SHA-256 and signs it into <c>index.json.sig</c>.
/// </summary>
public static class RepositoryBuilder
{
    public static Result<string> Build(string folder, byte[] privateSeed, long serial, DateTimeOffset published, DateTimeOffset expires, IReadOnlyList<PackageEntry> entries)
    {
        Directory.CreateDirectory(Path.Combine(folder, "packages"));
        var listed = new List<Tuple<string, CatalogPackage>>();
        foreach (var entry in entries)
        {
            var manifest = ReadManifest(entry.Zip);
            if (!manifest.IsOk) return manifest.Failure!;
            var m = manifest.Value;
            var version = Versions.formatSemVer(m.Version);
            var relative = $"packages/{m.Id}-{version}.zip";
            var target = Path.Combine(folder, relative);
            if (Path.GetFullPath(target) != Path.GetFullPath(entry.Zip)) File.Copy(entry.Zip, target, overwrite: true);
            byte[] sha;
            using (var stream = File.OpenRead(target)) sha = SHA256.HashData(stream);
            listed.Add(Tuple.Create(entry.Channel, new CatalogPackage(
                m.Id, version, Versions.formatApiVersion(m.HostApi), entry.Hardware.ToArray(), relative, new FileInfo(target).Length,
                Convert.ToHexStringLower(sha))));
        }
        var index = RepositoryFacade.Build(serial, published, expires, listed.Select(t => (t.Item1, t.Item2)).Select(t => Tuple.Create(t.Item1, t.Item2)));
        if (!index.IsOk) return new Failure(Failure.InvalidCode, string.Join("; ", index.Failure!.Errors));
        Write(folder, index.Value, privateSeed);
        return Path.Combine(folder, "index.json");
    }

    /// <summary>Writes <c>index.json</c> as given and its signature (tests also sign indexes they wrote by hand).</summary>
    public static void Write(string folder, byte[] indexBytes, byte[] privateSeed)
    {
        File.WriteAllBytes(Path.Combine(folder, "index.json"), indexBytes);
        File.WriteAllText(Path.Combine(folder, "index.json.sig"), RepositoryKeys.Sign(indexBytes, privateSeed));
    }

    /// <summary>Writes a key pair: <c>&lt;name&gt;.key</c> (mode 0600) and <c>&lt;name&gt;.pub</c>; returns the private seed.</summary>
    public static byte[] GenerateKey(string folder, string name)
    {
        Directory.CreateDirectory(folder);
        var (secret, pub) = RepositoryKeys.Generate();
        var keyPath = Path.Combine(folder, name + ".key");
        File.WriteAllText(keyPath, "");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(keyPath, secret);
        File.WriteAllText(Path.Combine(folder, name + ".pub"), pub);
        return RepositoryKeys.ReadPrivate(secret).Value;
    }

    private static Result<PluginManifest> ReadManifest(string zip)
    {
        try
        {
            using var archive = ZipFile.OpenRead(zip);
            var entry = archive.Entries.FirstOrDefault(e => e.FullName == "plugin.json")
                ?? archive.Entries.FirstOrDefault(e => e.Name == "plugin.json" && e.FullName.Count(c => c == '/') == 1);
            if (entry is null) return new Failure("invalid", $"{zip}: no plugin.json at the root (or in one top folder)");
            using var reader = new StreamReader(entry.Open());
            var parsed = ManifestFacade.Parse(reader.ReadToEnd());
            return parsed.IsOk
                ? parsed.Value
                : new Failure(Failure.InvalidCode, $"{zip}: plugin.json: {string.Join("; ", parsed.Failure!.Errors)}");
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return new Failure("invalid", $"{zip}: {ex.Message}");
        }
    }
}
