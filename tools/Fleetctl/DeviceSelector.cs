using Appliance.Abstractions;

namespace Appliance.Tools.Fleetctl;

/// <summary>
/// Which appliances a command goes to: a comma-separated list of device ids and globs (<c>*</c> any run of
/// characters, <c>?</c> one), matched against the devices whose retained state the broker holds; <c>all</c> is
/// <c>*</c>. Only online devices are chosen unless asked otherwise.
/// </summary>
public sealed class DeviceSelector
{
    private readonly IReadOnlyList<string> _patterns;

    private DeviceSelector(IReadOnlyList<string> patterns) => _patterns = patterns;

    public static Result<DeviceSelector> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new Failure("malformed", "--to needs device ids or patterns, e.g. dev-1,site-*");
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return new Failure("malformed", "--to names no device");
        foreach (var part in parts)
        {
            var literal = part.Replace("*", "", StringComparison.Ordinal).Replace("?", "", StringComparison.Ordinal);
            if (part != "all" && part.Length > 128 || (literal.Length > 0 && !Appliance.CloudLink.Topics.IsTopicLevel(literal)))
                return new Failure("malformed", $"'{part}' is not a device id or pattern (no '/', '+', '#', spaces)");
        }
        return new DeviceSelector(parts.Select(p => p == "all" ? "*" : p).ToList());
    }

    public bool Matches(string deviceId) => _patterns.Any(p => Glob(p, deviceId));

    /// <summary>True when every pattern is a plain id: those devices are addressed even without a known state.</summary>
    public IReadOnlyList<string> PlainIds => _patterns.Where(p => !p.Contains('*', StringComparison.Ordinal) && !p.Contains('?', StringComparison.Ordinal)).ToList();

    private static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
