using Appliance.Core.Network;
using Appliance.Host.Plugins;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages.Network;

/// <summary>The network requirements of what runs now (host + running plugins): the table, the FQDN allowlist, downloads.</summary>
public sealed class RequirementsModel(PluginManager plugins) : PageModel
{
    public IReadOnlyList<Requirements.RequirementRow> Rows { get; private set; } = [];

    /// <summary>"host:port/proto" lines, as the allowlist download gives them.</summary>
    public IReadOnlyList<string> Allowlist { get; private set; } = [];

    /// <summary>The formats the API serves, with the file name a download gets.</summary>
    public static readonly IReadOnlyList<(string Format, string Label, string File)> Downloads =
    [
        ("md", "Markdown", "network-requirements.md"),
        ("csv", "CSV", "network-requirements.csv"),
        ("json", "JSON", "network-requirements.json"),
        ("allowlist", "FQDN allowlist", "fqdn-allowlist.txt"),
    ];

    public void OnGet()
    {
        var entries = plugins.Footprint();
        Rows = NetworkFacade.Requirements(entries);
        Allowlist = (NetworkFacade.RequirementsText(entries, "allowlist") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static string Direction(Requirements.RequirementRow row) => row.Direction.IsInbound ? "inbound" : "outbound";

    public static string Protocol(Requirements.RequirementRow row) => row.Transport.IsTcp ? "TCP" : "UDP";
}
