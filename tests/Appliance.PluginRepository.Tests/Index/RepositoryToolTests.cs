using Appliance.Core.PluginRepository;
using Appliance.PluginRepository.Tests.Support;

namespace Appliance.PluginRepository.Tests.Index;

/// <summary>The repository tool run as a program: keys, a signed repository the appliance's client verifies, bad usage.</summary>
public sealed class RepositoryToolTests
{
    private static readonly string Tool = DotnetProgram.Dll("PluginRepoTool", "plugin-repo");

    [Fact]
    public async Task Keygen_and_build_make_a_repository_the_appliance_verifies()
    {
        using var work = new TestRepository();
        var zip = Path.Combine(work.Root, "p.zip");
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
        using (var writer = new StreamWriter(archive.CreateEntry("plugin.json").Open()))
            writer.Write(Appliance.Testing.TestPluginBuilder.ProbeManifest("test.tool", "2.3.4", null, null).ToJsonString());
        var keys = Path.Combine(work.Root, "toolkeys");
        var keygen = await DotnetProgram.RunAsync(Tool, ["keygen", "--out", keys, "--name", "release"]);
        Assert.True(keygen.Code == 0, keygen.Stderr);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(keys, "release.key")));
        var output = Path.Combine(work.Root, "out");
        var build = await DotnetProgram.RunAsync(Tool, ["build", "--out", output, "--key", Path.Combine(keys, "release.key"), "--serial", "12",
            "--add", $"beta:rpi4,rpi5:{zip}"]);
        Assert.True(build.Code == 0, build.Stderr);

        var index = File.ReadAllBytes(Path.Combine(output, "index.json"));
        var signer = RepositoryKeys.VerifyAny(index, File.ReadAllText(Path.Combine(output, "index.json.sig")), TrustRoots.Load(keys).Keys);
        Assert.True(signer.IsOk, signer.Failure?.ToString());
        var parsed = RepositoryFacade.Parse(index);
        Assert.Equal(12, RepositoryFacade.Serial(parsed.Valid));
        var line = Assert.Single(RepositoryFacade.Lines(parsed.Valid, "beta", "rpi5", 1, 1));
        Assert.Equal(("test.tool", "2.3.4", "packages/test.tool-2.3.4.zip"), (line.Package.Id, line.Package.Version, line.Package.Url));
        Assert.Equal(ServedRepository.Sha256(Path.Combine(output, line.Package.Url)), line.Package.Sha256);
    }

    [Fact]
    public async Task Bad_usage_and_a_zip_without_a_manifest_are_refused()
    {
        using var work = new TestRepository();
        Assert.Equal(2, (await DotnetProgram.RunAsync(Tool, ["build", "--out", work.Root])).Code);
        Assert.Equal(2, (await DotnetProgram.RunAsync(Tool, ["frobnicate"])).Code);
        var empty = Path.Combine(work.Root, "empty.zip");
        System.IO.Compression.ZipFile.Open(empty, System.IO.Compression.ZipArchiveMode.Create).Dispose();
        var key = Path.Combine(work.Root, "keys", "repo.key");
        var refused = await DotnetProgram.RunAsync(Tool, ["build", "--out", Path.Combine(work.Root, "o"), "--key", key, "--serial", "1", "--add", $"stable:*:{empty}"]);
        Assert.Equal(1, refused.Code);
        Assert.Contains("no plugin.json", refused.Stderr, StringComparison.Ordinal);
        var badKey = await DotnetProgram.RunAsync(Tool, ["build", "--out", work.Root, "--key", empty, "--serial", "1"]);
        Assert.Equal(1, badKey.Code);
        Assert.Contains("private key", badKey.Stderr, StringComparison.Ordinal);
    }
}
