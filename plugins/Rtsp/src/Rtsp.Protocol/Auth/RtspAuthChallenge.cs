using Appliance.Abstractions;
using Appliance.Plugins.Shared.HttpDigest;

namespace Appliance.Plugins.Rtsp.Protocol.Auth;

/// <summary>One WWW-Authenticate challenge (RFC 7235 §2.1): a scheme and its auth-params (<see cref="HttpAuthParams"/>).</summary>
public sealed record RtspAuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.TryGetValue(name, out var v) ? v : null;

    public bool IsDigest => string.Equals(Scheme, "Digest", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => string.Equals(Scheme, "Basic", StringComparison.OrdinalIgnoreCase);

    public static Result<RtspAuthChallenge> Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return Result<RtspAuthChallenge>.Fail("malformed", "empty WWW-Authenticate header");
        if (header.Length > 4096) return Result<RtspAuthChallenge>.Fail("too-large", "WWW-Authenticate header longer than 4096 characters");
        var text = header.Trim();
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text[..space];
        if (scheme.Length == 0 || !scheme.All(char.IsAsciiLetterOrDigit))
            return Result<RtspAuthChallenge>.Fail("malformed", $"malformed authentication scheme in '{Short(text)}'");
        var parameters = HttpAuthParams.Parse(space < 0 ? "" : text[(space + 1)..]);
        if (!parameters.IsOk) return Result<RtspAuthChallenge>.Fail(parameters.Failure!);
        return Result<RtspAuthChallenge>.Ok(new RtspAuthChallenge(scheme, parameters.Value!));
    }

    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
