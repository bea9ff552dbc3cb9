using System.Security.Cryptography;
using Appliance.Tools.Flash;

namespace Appliance.Flash.Tests;

public sealed class WriteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("appliance-flash-").FullName;

    private string Image(int bytes)
    {
        var path = Path.Combine(_dir, "appliance.img");
        var data = new byte[bytes];
        Random.Shared.NextBytes(data);
        File.WriteAllBytes(path, data);
        return path;
    }

    private string TargetPath => Path.Combine(_dir, "target.img");

    [Fact]
    public async Task Writes_a_file_verifies_it_and_reports_progress()
    {
        var image = Image((9 << 20) + 123);
        var reports = new List<FlashProgress>();
        var flasher = new ImageFlasher(blockBytes: 1 << 20);
        var target = FlashTarget.Inspect(TargetPath).Value;
        var written = await flasher.WriteAsync(image, target, null, new Collect(reports), CancellationToken.None);
        Assert.True(written.IsOk, written.ToString());
        Assert.Equal(File.ReadAllBytes(image), File.ReadAllBytes(TargetPath));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(image))), written.Value.Sha256);
        Assert.Equal(written.Value.Bytes, reports[^1].Done);
        Assert.Equal(reports[^1].Total, reports[^1].Done);
        var verified = await flasher.VerifyAsync(target, written.Value.Bytes, written.Value.Sha256, null, CancellationToken.None);
        Assert.True(verified.IsOk, verified.ToString());
    }

    [Fact]
    public async Task Verification_finds_one_changed_byte()
    {
        var image = Image(3 << 20);
        var flasher = new ImageFlasher();
        var target = FlashTarget.Inspect(TargetPath).Value;
        var written = (await flasher.WriteAsync(image, target, null, null, CancellationToken.None)).Value;
        await using (var s = new FileStream(TargetPath, FileMode.Open, FileAccess.ReadWrite))
        {
            s.Position = 2_000_000;
            var b = s.ReadByte();
            s.Position = 2_000_000;
            s.WriteByte((byte)(b ^ 1));
        }
        var verified = await flasher.VerifyAsync(target, written.Bytes, written.Sha256, null, CancellationToken.None);
        Assert.Equal("verify-failed", verified.Failure!.Code);
    }

    [Fact]
    public async Task A_missing_image_is_refused()
    {
        var err = new StringWriter();
        var code = await new FlashCommand(err, true).RunAsync(Path.Combine(_dir, "nope.img"), TargetPath, null, false, true, null, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Contains("not-found", err.ToString());
        Assert.False(File.Exists(TargetPath));
    }

    [Fact]
    public async Task A_target_smaller_than_the_image_is_refused_before_writing()
    {
        var image = Image(2 << 20);
        var result = await new ImageFlasher().WriteAsync(image, new FlashTarget(TargetPath, false, 1 << 20), null, null, CancellationToken.None);
        Assert.Equal("too-small", result.Failure!.Code);
        Assert.False(File.Exists(TargetPath));
    }

    [Fact]
    public async Task A_truncated_image_fails_its_checksum()
    {
        var image = Image(5 << 20);
        await File.WriteAllTextAsync(image + ".sha256", Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(image))) + "  appliance.img\n");
        await using (var s = new FileStream(image, FileMode.Open)) s.SetLength(3 << 20);
        var err = new StringWriter();
        var code = await new FlashCommand(err, true).RunAsync(image, TargetPath, null, false, true, null, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Contains("bad-image", err.ToString());
    }

    [Fact]
    public async Task The_command_prints_throughput_and_verifies()
    {
        var image = Image(6 << 20);
        await File.WriteAllTextAsync(image + ".sha256", Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(image))) + "  appliance.img\n");
        var err = new StringWriter();
        var code = await new FlashCommand(err, true).RunAsync(image, TargetPath, null, false, true, null, CancellationToken.None);
        Assert.True(code == 0, err.ToString());
        Assert.Matches(@"wrote 6\.0 MiB in \d+\.\d s \(\d+\.\d MB/s\)", err.ToString());
        Assert.Contains("verified 6.0 MiB", err.ToString());
    }

    [Fact]
    public async Task A_directory_is_not_a_target()
    {
        var image = Image(1 << 20);
        var err = new StringWriter();
        Assert.Equal(1, await new FlashCommand(err, true).RunAsync(image, _dir, null, false, true, null, CancellationToken.None));
        Assert.Contains("directory", err.ToString());
    }

    private sealed class Collect(List<FlashProgress> into) : IProgress<FlashProgress>
    {
        public void Report(FlashProgress value) => into.Add(value);
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
