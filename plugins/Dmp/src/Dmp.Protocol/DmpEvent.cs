namespace Appliance.Plugins.Dmp.Protocol;

/// <summary>Which bus event a panel message becomes.</summary>
public enum DmpEventKind
{
    /// <summary>A zone alarm (<c>Za</c>).</summary>
    Alarm,

    /// <summary>An area armed, disarmed or late to arm (<c>Zq</c>).</summary>
    Arming,

    /// <summary>A zone's state: restored, bypassed, reset, door open/closed... (<c>Zr Zx Zy Zc Zb</c>).</summary>
    Zone,

    /// <summary>A zone or panel trouble, or its restoral (<c>Zt Zw Zh Zf Zd Zs</c>).</summary>
    Trouble,

    /// <summary>The panel's automatic test (system message 007, 097): proves the link, raises nothing.</summary>
    Test,

    /// <summary>Access, schedules, user codes, equipment, service: acknowledged and listed, not published.</summary>
    Other,
}

/// <summary>
/// A panel message classified: what happened (<see cref="State"/>, e.g. <c>alarm</c>, <c>armed</c>, <c>open</c>,
/// <c>low-battery</c>), the Serial 3 definition and type code with their names, and the zone, area and user it names.
/// </summary>
public sealed record DmpEvent(
    DmpEventKind Kind,
    string State,
    string Code,
    string CodeName,
    string? Type,
    string? TypeName,
    int? Zone,
    string? ZoneName,
    int? Area,
    string? AreaName,
    int? User,
    string? UserName,
    bool Restoral);
