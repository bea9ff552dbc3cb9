namespace Appliance.Host.SystemServices.Liveness;

/// <summary>
/// One of the host's own loops, asked to prove it still makes progress. <see cref="ProveProgressAsync"/>
/// returns once the loop has moved (e.g. an operation went through its queue); a loop that is stuck never
/// returns, and the caller's deadline cancels the wait. Only host machinery is checked, never plugin code: a hung
/// plugin is quarantined by the plugin manager, it must not make systemd restart the host.
/// </summary>
public interface ILivenessCheck
{
    string Name { get; }

    Task ProveProgressAsync(CancellationToken ct);
}
