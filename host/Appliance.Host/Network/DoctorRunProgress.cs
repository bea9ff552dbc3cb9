using Appliance.NetCheck.Checks;

namespace Appliance.Host.Network;

/// <summary>How far the newest run of the network doctor has come (the portal shows it while the run's request waits).</summary>
/// <param name="Running">false once the run ended, or when none ran since the host started.</param>
/// <param name="Last">The newest finished check, as "name target: Status".</param>
public sealed record DoctorProgressView(bool Running, int Total, int Done, int Failed, string? Last, DateTimeOffset? StartedAt);

/// <summary>
/// The progress of doctor runs, newest first: <see cref="Begin"/> starts a run of a number of checks, each finished
/// check is counted, <see cref="Snapshot"/> shows the newest run (an older one still running is no longer shown).
/// </summary>
public sealed class DoctorRunProgress(TimeProvider time)
{
    private readonly Lock _gate = new();
    private Run? _newest;

    public Run Begin(int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        var run = new Run(this, total, time.GetUtcNow());
        lock (_gate) _newest = run;
        return run;
    }

    public DoctorProgressView Snapshot()
    {
        Run? run;
        lock (_gate) run = _newest;
        return run?.View() ?? new DoctorProgressView(false, 0, 0, 0, null, null);
    }

    /// <summary>One run: counts its finished checks; <see cref="End"/> when the run is over (finished or cancelled).</summary>
    public sealed class Run
    {
        private readonly DoctorRunProgress _owner;
        private readonly int _total;
        private readonly DateTimeOffset _started;
        private int _done;
        private int _failed;
        private string? _last;
        private bool _running = true;

        internal Run(DoctorRunProgress owner, int total, DateTimeOffset started)
        {
            _owner = owner;
            _total = total;
            _started = started;
        }

        public void Finished(CheckResult result)
        {
            lock (_owner._gate)
            {
                if (_done == _total) throw new InvalidOperationException($"more than the {_total} planned checks finished");
                _done++;
                if (result.Status == CheckStatus.Fail) _failed++;
                _last = $"{result.Name} {result.Target}: {result.Status}";
            }
        }

        public void End()
        {
            lock (_owner._gate) _running = false;
        }

        internal DoctorProgressView View()
        {
            lock (_owner._gate) return new DoctorProgressView(_running, _total, _done, _failed, _last, _started);
        }
    }
}
