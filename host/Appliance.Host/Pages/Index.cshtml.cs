using Appliance.Host.Configuration;
using Appliance.Host.Health;
using Appliance.Host.Pages.Support;
using Appliance.Host.Plugins;
using Appliance.Host.SystemServices;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Pages;

/// <summary>Overview: what the box is, how loaded it is, and whether every component is healthy.</summary>
public sealed class IndexModel(SystemInfo system, HealthRegistry health, PluginManager plugins, IOptions<ApplianceOptions> options, FirstRun.FirstRunProgress firstRun) : PageModel
{
    /// <summary>First-run steps neither done nor skipped (the reminder on the Overview).</summary>
    public int OpenFirstSteps => firstRun.Open().Count;

    public SystemSnapshot Snapshot { get; private set; } = null!;

    public string Overall { get; private set; } = "";

    public IReadOnlyList<OwnedHealthReport> Components { get; private set; } = [];

    public int PluginCount { get; private set; }

    public int PluginsRunning { get; private set; }

    public int PluginsFailed { get; private set; }

    public string? Fingerprint { get; private set; }

    public void OnGet()
    {
        Snapshot = system.Sample();
        Overall = health.Overall().ToString();
        Components = health.All();
        var list = plugins.List();
        PluginCount = list.Count;
        PluginsRunning = list.Count(p => p.State == PluginState.Running);
        PluginsFailed = list.Count(p => p.State is PluginState.Quarantined or PluginState.Invalid);
        Fingerprint = CertificateFingerprint.Of(options.Value);
    }
}
