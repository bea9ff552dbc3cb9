using System.Globalization;
using System.Net;
using System.Text;

namespace Appliance.Plugins.Pos;

/// <summary>The portal page: the register groups (port, camera) and the latest transactions as text, each with its
/// camera and time so it can be read beside the video. Every value is HTML-encoded (receipts are external input).</summary>
internal static class TransactionsPage
{
    public static string Render(IReadOnlyList<RegisterSettings> registers, IReadOnlyList<StoredTransaction> latest)
    {
        var html = new StringBuilder("<h2>Registers</h2>");
        if (registers.Count == 0) html.Append("<p>No register is configured (setting <code>registers</code>).</p>");
        else
        {
            html.Append("<table><tr><th>register</th><th>port</th><th>camera</th></tr>");
            foreach (var r in registers)
                html.Append("<tr><td>").Append(Enc(r.Name)).Append("</td><td>").Append(r.Port.ToString(CultureInfo.InvariantCulture))
                    .Append("</td><td>").Append(Enc(r.CameraId ?? "-")).Append("</td></tr>");
            html.Append("</table>");
        }
        html.Append("<h2>Latest transactions</h2>");
        if (latest.Count == 0) return html.Append("<p>No transaction yet.</p>").ToString();
        foreach (var t in latest)
        {
            html.Append("<section class=\"transaction\"><h3>").Append(Enc(t.Register)).Append(" #").Append(t.Id.ToString(CultureInfo.InvariantCulture))
                .Append(" - ").Append(t.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(" UTC")
                .Append(t.CameraId is null ? "" : $" - camera {Enc(t.CameraId)}").Append(" (").Append(Enc(t.EndedBy)).Append(")</h3><pre>")
                .Append(Enc(t.Text)).Append("</pre></section>");
        }
        return html.ToString();
    }

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
