using Appliance.Abstractions;
using System.Globalization;

namespace Appliance.Plugins.Rtsp.Protocol.Rtsp;

/// <summary>The Session header (RFC 2326 §12.37): "id;timeout=60". Timeout defaults to 60 seconds.</summary>
public sealed record RtspSessionHeader(string Id, int TimeoutSeconds)
{
    public const int DefaultTimeoutSeconds = 60;

    public static Result<RtspSessionHeader> Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Result<RtspSessionHeader>.Fail("malformed", "missing Session header");
        var parts = value.Split(';', StringSplitOptions.TrimEntries);
        var id = parts[0];
        if (id.Length == 0 || id.Length > 256 || id.Any(c => c <= ' ' || c >= 127))
            return Result<RtspSessionHeader>.Fail("malformed", "invalid session id");
        var timeout = DefaultTimeoutSeconds;
        foreach (var p in parts.Skip(1))
        {
            if (!p.StartsWith("timeout=", StringComparison.OrdinalIgnoreCase)) continue;
            // Out-of-range timeouts fall back to the default rather than disabling keep-alive.
            if (int.TryParse(p[8..], NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t is >= 2 and <= 3600) timeout = t;
        }
        return Result<RtspSessionHeader>.Ok(new RtspSessionHeader(id, timeout));
    }
}
