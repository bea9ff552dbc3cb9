namespace Appliance.Plugins.Onvif.Protocol.Discovery;

/// <summary>
/// ONVIF scope URIs (ONVIF Core, "Scopes"): <c>onvif://www.onvif.org/name/Lobby%20Cam</c>, <c>.../hardware/XY-100</c>,
/// <c>.../location/building/3</c>, <c>.../type/video_encoder</c>, <c>.../Profile/Streaming</c>. Values are URL-decoded.
/// </summary>
public sealed record OnvifScopes(string? Name, string? Hardware, string? Location, IReadOnlyList<string> Types, IReadOnlyList<string> Profiles)
{
    private const string Prefix = "onvif://www.onvif.org/";

    public static OnvifScopes Parse(IEnumerable<string> scopes)
    {
        string? name = null, hardware = null;
        var locations = new List<string>();
        var types = new List<string>();
        var profiles = new List<string>();
        foreach (var scope in scopes)
        {
            if (!scope.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) continue;
            var rest = scope[Prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash <= 0 || slash == rest.Length - 1) continue;
            var category = rest[..slash].ToLowerInvariant();
            var value = Decode(rest[(slash + 1)..]);
            switch (category)
            {
                case "name": name ??= value; break;
                case "hardware": hardware ??= value; break;
                case "location": locations.Add(value); break;
                case "type": types.Add(value); break;
                case "profile": profiles.Add(value); break;
            }
        }
        return new OnvifScopes(name, hardware, locations.Count == 0 ? null : string.Join(", ", locations), types, profiles);
    }

    /// <summary>Percent-decoding (malformed escapes are kept as written).</summary>
    private static string Decode(string value)
    {
        try { return Uri.UnescapeDataString(value); }
        catch (UriFormatException) { return value; }
    }
}
