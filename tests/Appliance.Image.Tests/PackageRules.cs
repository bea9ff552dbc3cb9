using System.IO.Enumeration;

namespace Appliance.Image.Tests;

/// <summary>image/packages.allow and packages.deny: shell globs; allowed = some allow line matches and no deny line.</summary>
internal sealed class PackageRules(IReadOnlyList<string> allow, IReadOnlyList<string> deny)
{
    public static IReadOnlyList<string> Lines(string path) =>
        File.ReadAllLines(path).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToList();

    public static PackageRules FromImage() =>
        new(Lines(Path.Combine(ImageFiles.Image, "packages.allow")), Lines(Path.Combine(ImageFiles.Image, "packages.deny")));

    /// <summary>Package names of image/packages.list (an "[amd64]" suffix limits a line to that architecture).</summary>
    public static IReadOnlyList<string> Listed() =>
        Lines(Path.Combine(ImageFiles.Image, "packages.list")).Select(l => l.Split(' ')[0]).ToList();

    public bool Allowed(string package) =>
        allow.Any(p => FileSystemName.MatchesSimpleExpression(p, package, ignoreCase: false))
        && !deny.Any(p => FileSystemName.MatchesSimpleExpression(p, package, ignoreCase: false));
}
