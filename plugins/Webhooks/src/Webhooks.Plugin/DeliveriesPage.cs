using System.Globalization;
using System.Net;
using System.Text;
using Appliance.Plugins.Webhooks.Protocol;

namespace Appliance.Plugins.Webhooks;

/// <summary>The plugin's portal page: every receiver with its health, and the latest delivery attempts, newest first
/// (time, receiver, message id, attempt, outcome, HTTP status, error). Every value is HTML-encoded: errors quote
/// what receivers answered.</summary>
internal static class DeliveriesPage
{
    public const int Shown = 200;

    public static string Render(IReadOnlyList<string> targets, IReadOnlyList<DeliveryAttempt> attempts)
    {
        var html = new StringBuilder("<h2>Receivers</h2>");
        if (targets.Count == 0) html.Append("<p>No receiver is configured (setting <code>targets</code>).</p>");
        else html.Append("<ul>").AppendJoin("", targets.Select(t => $"<li>{Enc(t)}</li>")).Append("</ul>");
        html.Append("<h2>Latest delivery attempts</h2>");
        if (attempts.Count == 0) return html.Append("<p>No delivery attempted yet.</p>").ToString();
        html.Append("<table><tr><th>time (UTC)</th><th>receiver</th><th>message</th><th>attempt</th><th>outcome</th><th>status</th><th>error</th></tr>");
        foreach (var a in attempts.Reverse().Take(Shown))
        {
            html.Append("<tr class=\"").Append(Enc(a.Outcome)).Append("\"><td>").Append(a.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(Enc(a.Target)).Append("</td><td><code>").Append(Enc(a.MessageId)).Append("</code></td><td>")
                .Append(a.Attempt.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Enc(a.Outcome)).Append("</td><td>")
                .Append(a.Status?.ToString(CultureInfo.InvariantCulture) ?? "-").Append("</td><td>").Append(Enc(a.Error ?? "")).Append("</td></tr>");
        }
        return html.Append("</table>").ToString();
    }

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
