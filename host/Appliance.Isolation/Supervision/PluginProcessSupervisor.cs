using System.Diagnostics;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Isolation.Bridge;

namespace Appliance.Isolation.Supervision;

/// <summary>
/// Keeps one isolated plugin's process running: starts it, and when it ends without being asked (crash, signal,
/// protocol violation, no answer) restarts it after the <see cref="RestartPolicy"/> backoff, reporting each crash and
/// restart as health (component <c>process</c>) and as a <see cref="PluginStateChanged"/> event. Too many crashes
/// in the window end the supervision loop with an <see cref="IsolatedPluginException"/>, which the plugin manager
/// treats like any crashed background loop: the plugin is quarantined.
/// </summary>
public sealed class PluginProcessSupervisor
{
    private readonly IsolatedPluginSpec _spec;
    private readonly IPluginContext _context;
    private readonly IPluginProcessLauncher _launcher;
    private readonly SupervisorOptions _options;
    private readonly RingDirectory _rings;
    private readonly RouteRelay _routes;
    private readonly List<DateTimeOffset> _crashes = [];
    private readonly object _gate = new();
    private PluginSession? _session;
    private volatile bool _stopping;

    public PluginProcessSupervisor(IsolatedPluginSpec spec, IPluginContext context, IPluginProcessLauncher launcher, SupervisorOptions options, RingDirectory rings)
    {
        _spec = spec;
        _context = context;
        _launcher = launcher;
        _options = options;
        _rings = rings;
        _routes = new RouteRelay(context.Routes, () => context.Http);
    }

    /// <summary>The pid of the running child, or null between runs.</summary>
    public int? Pid
    {
        get
        {
            lock (_gate) return _session?.Pid;
        }
    }

    /// <summary>How long the last restart took from the crash being noticed to the plugin started again.</summary>
    public TimeSpan? LastRestart { get; private set; }

    public int Restarts { get; private set; }

    /// <summary>Starts the first child and the plugin in it; throws if that fails (the manager quarantines).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var session = await PluginSession.StartAsync(_spec, _context, _launcher, _options, _routes, _rings, cancellationToken);
        lock (_gate) _session = session;
        _context.Health.Report("process", HealthState.Healthy, $"running isolated in pid {session.Pid}");
        _context.RunBackground("isolated process", SuperviseAsync);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        PluginSession? session;
        lock (_gate)
        {
            session = _session;
            _session = null;
        }
        if (session is null) return;
        await session.StopAsync(_options.StopTimeout);
        await session.DisposeAsync();
    }

    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && !_stopping)
        {
            PluginSession? session;
            lock (_gate) session = _session;
            if (session is null) return;
            var reason = await session.Ended.WaitAsync(cancellationToken);
            if (_stopping || cancellationToken.IsCancellationRequested) return;
            var noticed = Stopwatch.GetTimestamp();
            var pid = session.Pid;
            lock (_gate) _session = null;
            await session.DisposeAsync();
            while (!_stopping)
            {
                var why = $"plugin process {pid} {reason}";
                _crashes.Add(_context.Time.GetUtcNow());
                _context.Logger.Log(PluginLogLevel.Error, null, "Isolated plugin {Plugin}: {Why}", _spec.PluginId, why);
                var decision = RestartPolicy.Decide(_crashes, _context.Time.GetUtcNow(), _options);
                if (decision is RestartDecision.Quarantine q)
                    throw new IsolatedPluginException($"its process crashed {q.CrashesInWindow} times within {q.Window.TotalSeconds:0} s; last: {why}");
                var restart = (RestartDecision.Restart)decision;
                _context.Health.Report("process", HealthState.Degraded, $"{why}; restarting in {restart.After.TotalMilliseconds:0} ms");
                await PublishAsync("crashed", why);
                await Task.Delay(restart.After, _context.Time, cancellationToken);
                try
                {
                    var next = await PluginSession.StartAsync(_spec, _context, _launcher, _options, _routes, _rings, cancellationToken);
                    lock (_gate) _session = next;
                    if (_stopping)
                    {
                        await StopAsync(CancellationToken.None);
                        return;
                    }
                    LastRestart = Stopwatch.GetElapsedTime(noticed);
                    Restarts++;
                    _context.Health.Report("process", HealthState.Healthy,
                        $"restarted in pid {next.Pid} {LastRestart.Value.TotalMilliseconds:0} ms after: {why}");
                    await PublishAsync("restarted", why);
                    break;
                }
                catch (IsolatedPluginException ex)
                {
                    reason = $"could not be restarted: {ex.Message}";
                }
            }
        }
    }

    private async Task PublishAsync(string state, string why)
    {
        try
        {
            await _context.Events.PublishAsync(new PluginStateChanged(_spec.PluginId, _spec.Version, state, why));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _context.Logger.Log(PluginLogLevel.Warning, ex, "could not record the {State} event of {Plugin}", state, _spec.PluginId);
        }
    }
}
