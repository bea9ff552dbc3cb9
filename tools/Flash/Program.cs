using System.CommandLine;
using System.Globalization;
using Appliance.Abstractions;
using Appliance.Tools.Flash;

// appliance-flash IMAGE TARGET [--sha256 HEX] [--yes] [--no-verify]
var image = new Argument<string>("image") { Description = "The disk image (out/image/appliance-amd64.img)" };
var target = new Argument<string>("target") { Description = "A block device (/dev/sdX, /dev/disk/by-id/...) or a file" };
var sha = new Option<string?>("--sha256") { Description = "The image's expected SHA-256 (default: IMAGE.sha256 when it exists)" };
var yes = new Option<bool>("--yes", "-y") { Description = "Erase a block device without asking" };
var noVerify = new Option<bool>("--no-verify") { Description = "Skip reading the target back" };
var root = new RootCommand("Writes an appliance disk image to a block device or a file, then reads it back to verify it.")
{
    image, target, sha, yes, noVerify,
};
root.SetAction(async (parse, ct) =>
{
    var cli = new FlashCommand(Console.Error, Console.IsErrorRedirected);
    return await cli.RunAsync(parse.GetValue(image)!, parse.GetValue(target)!, parse.GetValue(sha), parse.GetValue(yes),
        !parse.GetValue(noVerify), Console.IsInputRedirected ? null : Console.In, ct);
});
return await root.Parse(args).InvokeAsync();

namespace Appliance.Tools.Flash
{
    /// <summary>The command: inspect and guard the target, confirm, write, verify; progress and a summary on <c>err</c>.</summary>
    public sealed class FlashCommand(TextWriter err, bool plainProgress)
    {
        /// <summary>The mount table to check against (tests pass their own); default the kernel's.</summary>
        public Func<IReadOnlyList<Mount>> Mounts { get; init; } = MountTable.ReadSystem;

        public ImageFlasher Flasher { get; init; } = new();

        public async Task<int> RunAsync(string imagePath, string targetPath, string? expectedSha, bool assumeYes, bool verify,
            TextReader? confirmIn, CancellationToken ct)
        {
            if (!File.Exists(imagePath)) return Fail(new Failure("not-found", $"the image {imagePath} does not exist"));
            expectedSha ??= SidecarSha(imagePath);
            var inspected = FlashTarget.Inspect(targetPath)
                .Bind(t => TargetGuard.Check(t, imagePath, Mounts(), BlockDevices.WholeDisk, TargetGuard.ResolveExisting));
            if (!inspected.TryGetValue(out var flashTarget, out var refusal)) return Fail(refusal);
            var imageBytes = new FileInfo(imagePath).Length;
            if (imageBytes > flashTarget.Capacity)
                return Fail(new Failure("too-small", $"{flashTarget.Path} holds {ImageFlasher.Size(flashTarget.Capacity)}, the image needs {ImageFlasher.Size(imageBytes)}"));
            if (flashTarget.IsBlockDevice && !assumeYes)
            {
                err.Write($"appliance-flash: erase everything on {flashTarget.Path} ({ImageFlasher.Size(flashTarget.Capacity)})? Type yes: ");
                if (confirmIn?.ReadLine()?.Trim() != "yes") return Fail(new Failure("cancelled", "not confirmed (use --yes when not interactive)"));
            }

            var flasher = Flasher;
            var progress = new SyncProgress(Print);
            err.WriteLine($"appliance-flash: writing {imagePath} ({ImageFlasher.Size(new FileInfo(imagePath).Length)}) to {flashTarget.Path}");
            var written = await flasher.WriteAsync(imagePath, flashTarget, expectedSha, progress, ct);
            EndLine();
            if (!written.TryGetValue(out var w, out var writeFailure)) return Fail(writeFailure);
            err.WriteLine($"appliance-flash: wrote {ImageFlasher.Size(w.Bytes)} in {w.Elapsed.TotalSeconds:0.0} s ({Rate(w.Bytes, w.Elapsed)}), sha256 {w.Sha256}");
            if (!verify) return 0;
            var verified = await flasher.VerifyAsync(flashTarget, w.Bytes, w.Sha256, progress, ct);
            EndLine();
            if (!verified.TryGetValue(out var v, out var verifyFailure)) return Fail(verifyFailure);
            err.WriteLine($"appliance-flash: verified {ImageFlasher.Size(v.Bytes)} in {v.Elapsed.TotalSeconds:0.0} s ({Rate(v.Bytes, v.Elapsed)})");
            return 0;
        }

        private bool _midLine;

        private void Print(FlashProgress p)
        {
            var percent = p.Total == 0 ? 100 : 100.0 * p.Done / p.Total;
            var text = string.Create(CultureInfo.InvariantCulture,
                $"  {p.Stage} {ImageFlasher.Size(p.Done)} of {ImageFlasher.Size(p.Total)} {percent:0}% {Rate(p.Done, p.Elapsed)}");
            if (plainProgress) err.WriteLine(text);
            else
            {
                err.Write("\r" + text.PadRight(60));
                _midLine = true;
            }
        }

        private void EndLine()
        {
            if (!_midLine) return;
            err.WriteLine();
            _midLine = false;
        }

        private int Fail(Failure failure)
        {
            EndLine();
            err.WriteLine($"appliance-flash: {failure.Code}: {failure.Message}");
            return 1;
        }

        private static string Rate(long bytes, TimeSpan elapsed) =>
            elapsed.TotalSeconds <= 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{bytes / elapsed.TotalSeconds / 1e6:0.0} MB/s");

        /// <summary>The first word of IMAGE.sha256 (sha256sum's format), if that file exists.</summary>
        public static string? SidecarSha(string imagePath)
        {
            var path = imagePath + ".sha256";
            return File.Exists(path) ? File.ReadAllText(path).Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
        }
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    internal sealed class SyncProgress(Action<FlashProgress> report) : IProgress<FlashProgress>
    {
        public void Report(FlashProgress value) => report(value);
    }
}
