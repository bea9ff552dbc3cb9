namespace Appliance.Plugins.Dmp.Protocol;

/// <summary>A panel the receiver accepts: its account, a name for people, how often it must be heard from, and which
/// camera watches each zone (zone number -> camera id).</summary>
public sealed record PanelSettings(string Account, string Name, TimeSpan CheckInInterval, IReadOnlyDictionary<int, string> ZoneCameras);

/// <summary>Link state of a panel: never heard yet, heard within its check-in interval, or silent beyond it.</summary>
public enum PanelLink { Unknown, Up, Lost }

/// <summary>An area's last known arming state (<c>armed</c>, <c>disarmed</c>, <c>late-to-arm</c>, <c>alarm</c>).</summary>
public sealed record AreaState(int Area, string? Name, string State, DateTimeOffset At);

/// <summary>What is known of a panel, as listed by the plugin's route and page.</summary>
public sealed record PanelStatus(string Account, string Name, PanelLink Link, DateTimeOffset? LastMessageAt, string? LastMessage, string? RemoteAddress, IReadOnlyList<AreaState> Areas);

/// <summary>
/// The configured panels and what was heard from them. Thread-safe (connections of several panels update it at
/// once). Accounts are compared without leading zeros and spaces, as the parser gives them.
/// </summary>
public sealed class PanelRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _panels;

    public PanelRegistry(IEnumerable<PanelSettings> panels) =>
        _panels = panels.ToDictionary(p => NormalizeAccount(p.Account), p => new Entry(p));

    /// <summary>An account without padding: <c>" 0123"</c> and <c>"123"</c> are the same panel.</summary>
    public static string NormalizeAccount(string account)
    {
        var trimmed = account.Trim().TrimStart('0');
        return trimmed.Length == 0 && account.Trim().Length > 0 ? "0" : trimmed;
    }

    public bool TryGet(string account, out PanelSettings settings)
    {
        lock (_lock)
        {
            var found = _panels.TryGetValue(NormalizeAccount(account), out var entry);
            settings = entry?.Settings!;
            return found;
        }
    }

    /// <summary>Records a message from a known panel; true when its link was lost and is up again.</summary>
    public bool Heard(string account, DateTimeOffset at, string summary, string? remoteAddress)
    {
        lock (_lock)
        {
            var entry = _panels[NormalizeAccount(account)];
            var wasLost = entry.Link == PanelLink.Lost;
            entry.Link = PanelLink.Up;
            entry.LastAt = at;
            entry.LastMessage = summary;
            entry.Remote = remoteAddress;
            return wasLost;
        }
    }

    public void SetArea(string account, int area, string? name, string state, DateTimeOffset at)
    {
        lock (_lock) _panels[NormalizeAccount(account)].Areas[area] = new AreaState(area, name, state, at);
    }

    /// <summary>
    /// Marks as lost every panel last heard more than its check-in interval before <paramref name="now"/> (or never
    /// heard since <paramref name="since"/> plus that interval); returns those that were not lost before.
    /// </summary>
    public IReadOnlyList<PanelSettings> SweepLost(DateTimeOffset now, DateTimeOffset since)
    {
        lock (_lock)
        {
            var lost = new List<PanelSettings>();
            foreach (var entry in _panels.Values)
            {
                if (entry.Link == PanelLink.Lost) continue;
                var reference = entry.LastAt ?? since;
                if (now - reference <= entry.Settings.CheckInInterval) continue;
                entry.Link = PanelLink.Lost;
                lost.Add(entry.Settings);
            }
            return lost;
        }
    }

    public IReadOnlyList<PanelStatus> Snapshot()
    {
        lock (_lock)
        {
            return _panels.Values
                .OrderBy(e => e.Settings.Account, StringComparer.Ordinal)
                .Select(e => new PanelStatus(e.Settings.Account, e.Settings.Name, e.Link, e.LastAt, e.LastMessage, e.Remote,
                    e.Areas.Values.OrderBy(a => a.Area).ToList()))
                .ToList();
        }
    }

    private sealed class Entry(PanelSettings settings)
    {
        public PanelSettings Settings { get; } = settings;
        public PanelLink Link { get; set; } = PanelLink.Unknown;
        public DateTimeOffset? LastAt { get; set; }
        public string? LastMessage { get; set; }
        public string? Remote { get; set; }
        public Dictionary<int, AreaState> Areas { get; } = [];
    }
}
