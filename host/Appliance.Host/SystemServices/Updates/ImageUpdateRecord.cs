namespace Appliance.Host.SystemServices.Updates;

/// <summary>
/// The last image update and where it stands: <c>installing</c>, <c>installed</c> (waiting for the reboot into
/// <see cref="Slot"/>), <c>verifying</c> (booted into it, waiting for health), <c>good</c>, or <c>failed</c> with
/// <see cref="Reason"/>. Kept in the data directory so the verdict survives the reboot it waits for.
/// </summary>
public sealed record ImageUpdateRecord(
    string Version,
    string State,
    string? Slot,
    string? Reason,
    DateTimeOffset Started,
    DateTimeOffset Updated,
    DateTimeOffset? Booted = null)
{
    public const string Installing = "installing";
    public const string Installed = "installed";
    public const string Verifying = "verifying";
    public const string Good = "good";
    public const string Failed = "failed";
}

/// <summary>An image update changed state (for the portal, rules and the fleet).</summary>
public sealed record ImageUpdateChanged(string Version, string State, string? Reason) : Appliance.Abstractions.Events.IApplianceEvent
{
    public Appliance.Abstractions.Events.EventCategory Category => Appliance.Abstractions.Events.EventCategory.System;
}
