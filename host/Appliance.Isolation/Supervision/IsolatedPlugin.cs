using Appliance.Abstractions;
using Appliance.Isolation.Bridge;

namespace Appliance.Isolation.Supervision;

/// <summary>
/// What the plugin manager runs for an isolated plugin: an <see cref="IPlugin"/> whose start launches the child
/// process (through the supervisor) and hands it the very context an in-process plugin would get, so the manager's
/// status, health, quarantine, routes and clean-up stay the same for both.
/// </summary>
public sealed class IsolatedPlugin(IsolatedPluginSpec spec, IPluginProcessLauncher launcher, SupervisorOptions options, RingDirectory rings) : IPlugin
{
    private PluginProcessSupervisor? _supervisor;

    /// <summary>The supervisor of the running plugin (null before start).</summary>
    public PluginProcessSupervisor? Supervisor => _supervisor;

    public async Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var supervisor = new PluginProcessSupervisor(spec, context, launcher, options, rings);
        _supervisor = supervisor;
        await supervisor.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _supervisor?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
