namespace Appliance.Plugins.Rtsp.Protocol.Sdp;

/// <summary>An a=rtpmap attribute (RFC 4566 §6): payload type, encoding name, clock rate, channels.</summary>
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int? Channels);

/// <summary>One m= section with its attributes (RFC 4566 §5.14).</summary>
public sealed record SdpMediaDescription(
    string Media,
    int Port,
    string Protocol,
    IReadOnlyList<int> Formats,
    IReadOnlyList<KeyValuePair<string, string?>> Attributes,
    IReadOnlyDictionary<int, SdpRtpMap> RtpMaps,
    IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>> Fmtps)
{
    /// <summary>The a=control value of the section, if any.</summary>
    public string? Control => Attribute("control");

    public string? Attribute(string name)
    {
        foreach (var a in Attributes)
            if (string.Equals(a.Key, name, StringComparison.OrdinalIgnoreCase)) return a.Value;
        return null;
    }

    /// <summary>The first payload type of the m= line (what a sender uses by default).</summary>
    public int? PrimaryFormat => Formats.Count > 0 ? Formats[0] : null;

    /// <summary>The rtpmap of <paramref name="payloadType"/>, with RFC 3551 static types filled in.</summary>
    public SdpRtpMap? RtpMap(int payloadType)
    {
        if (RtpMaps.TryGetValue(payloadType, out var map)) return map;
        return payloadType switch
        {
            0 => new SdpRtpMap(0, "PCMU", 8000, 1),
            8 => new SdpRtpMap(8, "PCMA", 8000, 1),
            _ => null,
        };
    }

    public IReadOnlyDictionary<string, string> Fmtp(int payloadType) =>
        Fmtps.TryGetValue(payloadType, out var f) ? f : EmptyFmtp;

    private static readonly IReadOnlyDictionary<string, string> EmptyFmtp = new Dictionary<string, string>();
}

/// <summary>A session description (RFC 4566).</summary>
public sealed record SdpSession(
    int Version,
    string? Origin,
    string? SessionName,
    IReadOnlyList<KeyValuePair<string, string?>> Attributes,
    IReadOnlyList<SdpMediaDescription> Media,
    IReadOnlyList<string> Warnings)
{
    /// <summary>The session-level a=control value, if any.</summary>
    public string? Control
    {
        get
        {
            foreach (var a in Attributes)
                if (string.Equals(a.Key, "control", StringComparison.OrdinalIgnoreCase)) return a.Value;
            return null;
        }
    }
}
