using Appliance.Core.Network;
using Appliance.Host.Network;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages.Network;

/// <summary>
/// The network requirements of what is in use now (host, running plugins, cameras on ports of their own): the table
/// with "from -> to", the notes, the FQDN allowlist, downloads. "Show all" adds what the configuration switches off.
/// </summary>
public sealed class RequirementsModel(RequirementsSource source) : PageModel
{
    public IReadOnlyList<Requirements.RequirementRow> Rows { get; private set; } = [];

    /// <summary>Rows shown with "show all" that nothing uses now (a switched-off feature).</summary>
    public IReadOnlySet<Requirements.RequirementRow> NotInUse { get; private set; } = new HashSet<Requirements.RequirementRow>();

    /// <summary>"host:port/proto" lines, as the allowlist download gives them.</summary>
    public IReadOnlyList<string> Allowlist { get; private set; } = [];

    /// <summary>The Markdown download's notes (zones, ephemeral ports, multicast, content filtering...), as list items.</summary>
    public IReadOnlyList<string> Notes { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public bool All { get; set; }

    private IReadOnlyDictionary<string, string[]> _sources = new Dictionary<string, string[]>();
    private IReadOnlyDictionary<string, string[]> _appliance = new Dictionary<string, string[]>();

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
        var inUse = source.Entries();
        var entries = All ? source.Entries(all: true) : inUse;
        Rows = NetworkFacade.Requirements(entries);
        NotInUse = All ? Rows.Except(NetworkFacade.Requirements(inUse)).ToHashSet() : new HashSet<Requirements.RequirementRow>();
        Allowlist = (NetworkFacade.RequirementsText(entries, "allowlist") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Notes = NetworkFacade.RequirementsNotes(Rows).Select(n => n.Replace("`", "")).ToList();
        _sources = source.ZoneSources();
        _appliance = source.ApplianceAddresses();
    }

    public Requirements.Endpoints Ends(Requirements.RequirementRow row) => NetworkFacade.Endpoints(_sources, _appliance, row);

    public static string Direction(Requirements.RequirementRow row) => row.Direction.IsInbound ? "inbound" : "outbound";

    public static string Protocol(Requirements.RequirementRow row) => row.Transport.IsTcp ? "TCP" : "UDP";
}
