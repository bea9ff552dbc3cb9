using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Plugins.Dmp.Protocol;

namespace Appliance.Plugins.Dmp;

/// <summary>The portal page: every configured panel with its link state and last message, and the arming state of each
/// area it reported. Every value is HTML-encoded (names and messages come from the panels).</summary>
internal static class PanelsPage
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public static string Render(IReadOnlyList<PanelStatus> panels)
    {
        var html = new StringBuilder();
        if (panels.Count == 0) return html.Append("<p>No panel is configured (setting <code>panels</code>).</p>").ToString();
        html.Append("<table><tr><th>account</th><th>panel</th><th>link</th><th>last message (UTC)</th><th>message</th><th>areas</th></tr>");
        foreach (var p in panels)
        {
            html.Append("<tr class=\"").Append(Enc(p.Link.ToString().ToLowerInvariant())).Append("\"><td>").Append(Enc(p.Account))
                .Append("</td><td>").Append(Enc(p.Name)).Append("</td><td>").Append(Enc(p.Link.ToString().ToLowerInvariant()))
                .Append("</td><td>").Append(p.LastMessageAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "never")
                .Append("</td><td><code>").Append(Enc(p.LastMessage ?? "")).Append("</code></td><td>");
            if (p.Areas.Count == 0) html.Append("-");
            foreach (var a in p.Areas)
                html.Append("<span class=\"area ").Append(Enc(a.State)).Append("\">").Append(a.Area.ToString(CultureInfo.InvariantCulture))
                    .Append(a.Name is null ? "" : $" {Enc(a.Name)}").Append(": ").Append(Enc(a.State)).Append("</span> ");
            html.Append("</td></tr>");
        }
        return html.Append("</table>").ToString();
    }

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
