using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Appliance.Plugins.NxWitness.Protocol;

/// <summary>The <c>state</c> parameter of a generic event: absent for an instant event.</summary>
public enum GenericEventState { Instant, Active, Inactive }

/// <summary>
/// A generic event for <c>GET /api/createEvent</c> (Nx Witness 4.2 Server HTTP API, the server's own apidoc of
/// <c>api/createEvent</c>): <c>source</c> (the device that triggered it), <c>caption</c> (short text rules filter on),
/// <c>description</c> (long text), <c>timestamp</c> (milliseconds since the epoch), <c>metadata</c> (a JSON object whose
/// <c>cameraRefs</c> lists the Nx camera ids the event is linked to) and <c>state</c> (<c>Active</c>/<c>Inactive</c> for
/// "long" actions, absent otherwise). Text is cut to <see cref="MaxTextLength"/> characters without control
/// characters, so a hostile string can neither break the query nor make it unbounded.
/// </summary>
public sealed record GenericEvent(
    string Source, string Caption, string Description, DateTimeOffset Timestamp, IReadOnlyList<string> CameraRefs,
    GenericEventState State = GenericEventState.Instant)
{
    public const int MaxTextLength = 1000;
    public const int MaxCameraRefs = 32;
    public const int MaxCameraRefLength = 64;

    /// <summary>The path and query of the request, every value percent-encoded (UTF-8).</summary>
    public string ToPathAndQuery()
    {
        var query = new StringBuilder("/api/createEvent?");
        Append(query, "source", Clean(Source, MaxTextLength));
        Append(query, "caption", Clean(Caption, MaxTextLength));
        Append(query, "description", Clean(Description, MaxTextLength));
        Append(query, "timestamp", Timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        var refs = CameraRefs.Select(r => Clean(r, MaxCameraRefLength)).Where(r => r.Length > 0).Distinct().Take(MaxCameraRefs).ToList();
        if (refs.Count > 0) Append(query, "metadata", JsonSerializer.Serialize(new { cameraRefs = refs }));
        if (State != GenericEventState.Instant) Append(query, "state", State.ToString());
        return query.ToString(0, query.Length - 1);
    }

    private static void Append(StringBuilder query, string name, string value) =>
        query.Append(name).Append('=').Append(Uri.EscapeDataString(value)).Append('&');

    /// <summary>Control characters become spaces, lone surrogates U+FFFD, and the text is cut at <paramref name="max"/>.</summary>
    public static string Clean(string? text, int max)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var builder = new StringBuilder(Math.Min(text.Length, max));
        for (var i = 0; i < text.Length && builder.Length < max; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (builder.Length + 2 > max) break;
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c)) builder.Append('\uFFFD');
            else builder.Append(char.IsControl(c) ? ' ' : c);
        }
        return builder.ToString();
    }
}
