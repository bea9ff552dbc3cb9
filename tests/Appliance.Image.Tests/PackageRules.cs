using System.IO.Enumeration;

namespace Appliance.Image.Tests;

/// <summary>image/packages.allow and packages.deny: shell globs; allowed = some allow line matches and no deny line.</summary>
internal sealed class PackageRules(IReadOnlyList<string> allow, IReadOnlyList<string> deny)
{
    public static IReadOnlyList<string> Lines(string path) =>
        File.ReadAllLines(path).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToList();

    public static PackageRules FromImage() =>
        new(Lines(Path.Combine(ImageFiles.Image, "packages.allow")), Lines(Path.Combine(ImageFiles.Image, "packages.deny")));

    /// <summary>
    /// The packages image/packages.list installs for <paramref name="arch"/>, as build-image.sh gets them
    /// (image/packages.sh: an "[amd64]" or "[arm64]" tag limits a line to that architecture).
    /// </summary>
    public static IReadOnlyList<string> Listed(string arch)
    {
        var (code, stdout, stderr) = ImageFiles.Run(Path.Combine(ImageFiles.Image, "packages.sh"), [arch]);
        if (code != 0) throw new InvalidOperationException($"packages.sh {arch}: exit {code}: {stderr}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public bool Allowed(string package) =>
        allow.Any(p => FileSystemName.MatchesSimpleExpression(p, package, ignoreCase: false))
        && !deny.Any(p => FileSystemName.MatchesSimpleExpression(p, package, ignoreCase: false));
}
