using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary>
/// <c>org.freedesktop.systemd1</c>, narrowly: the state of named units and a restart, start or stop that waits for
/// its job. Which units may be restarted, started or stopped is the caller's policy, not this client's.
/// </summary>
public sealed class SystemdClient(BusConnection bus)
{
    public const string Service = "org.freedesktop.systemd1";
    public const string ManagerPath = "/org/freedesktop/systemd1";
    public const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    public const string UnitInterface = "org.freedesktop.systemd1.Unit";

    /// <summary>The state of each named unit, in the order given; the first failure (other than an unknown unit) ends the read.</summary>
    public async Task<Result<IReadOnlyList<UnitState>>> GetUnitsAsync(IEnumerable<string> names, CancellationToken ct)
    {
        var states = new List<UnitState>();
        foreach (var name in names)
        {
            var state = await GetUnitAsync(name, ct).ConfigureAwait(false);
            if (!state.IsOk) return Result<IReadOnlyList<UnitState>>.Fail(state.Failure!);
            states.Add(state.Value);
        }
        return states;
    }

    public async Task<Result<UnitState>> GetUnitAsync(string name, CancellationToken ct)
    {
        if (!IsUnitName(name)) return Result<UnitState>.Fail(BusFailures.Invalid, $"'{name}' is not a unit name");
        var path = await UnitPathAsync(name, ct).ConfigureAwait(false);
        if (!path.IsOk)
            return path.Failure!.Message.Contains("org.freedesktop.systemd1.NoSuchUnit", StringComparison.Ordinal)
                ? new UnitState(name, "", "not-found", "", "")
                : Result<UnitState>.Fail(path.Failure);
        var props = await bus.GetAllAsync(Service, path.Value, UnitInterface, ct).ConfigureAwait(false);
        return props.Bind(p =>
            from description in p.StringOr("Description", "")
            from load in p.String("LoadState")
            from active in p.String("ActiveState")
            from sub in p.String("SubState")
            select new UnitState(name, description, load, active, sub));
    }

    /// <summary>
    /// Restarts a unit (mode <c>replace</c>) and waits until systemd removes its job: <c>done</c> is success, any other
    /// job result (<c>failed</c>, <c>timeout</c>, <c>canceled</c>, <c>dependency</c>...) is <c>job-failed</c>.
    /// The signal may come before the call's reply; the watch is set up first so it is never missed.
    /// </summary>
    public Task<Result<string>> RestartUnitAsync(string name, CancellationToken ct) => RunJobAsync("RestartUnit", "restart", name, ct);

    /// <summary>Starts a unit (mode <c>replace</c>; a running unit stays as it is) and waits for its job, as <see cref="RestartUnitAsync"/>.</summary>
    public Task<Result<string>> StartUnitAsync(string name, CancellationToken ct) => RunJobAsync("StartUnit", "start", name, ct);

    /// <summary>Stops a unit (mode <c>replace</c>; a stopped unit stays stopped) and waits for its job, as <see cref="RestartUnitAsync"/>.</summary>
    public Task<Result<string>> StopUnitAsync(string name, CancellationToken ct) => RunJobAsync("StopUnit", "stop", name, ct);

    private async Task<Result<string>> RunJobAsync(string method, string verb, string name, CancellationToken ct)
    {
        if (!IsUnitName(name)) return Result<string>.Fail(BusFailures.Invalid, $"'{name}' is not a unit name");
        var removed = new JobWaiter();
        var watch = await bus.WatchSignalAsync(ManagerPath, ManagerInterface, "JobRemoved", "uoss",
            r => (Id: r.ReadUInt32(), Job: r.ReadObjectPathAsString(), Unit: r.ReadString(), Result: r.ReadString()),
            j => removed.Removed(j.Job, j.Result), ct).ConfigureAwait(false);
        if (!watch.IsOk) return Result<string>.Fail(watch.Failure!);
        using var _ = watch.Value;
        // systemd sends job signals only to subscribed clients.
        var subscribed = await bus.CallAsync(new MethodCall(Service, ManagerPath, ManagerInterface, "Subscribe"), null, ct).ConfigureAwait(false);
        if (!subscribed.IsOk) return Result<string>.Fail(subscribed.Failure!);
        var job = await bus.CallAsync(new MethodCall(Service, ManagerPath, ManagerInterface, method, "ss"),
            (ref MessageWriter w) => { w.WriteString(name); w.WriteString("replace"); },
            "o", r => Result<string>.Ok(r.ReadObjectPathAsString()), ct).ConfigureAwait(false);
        if (!job.IsOk) return job;
        string result;
        try
        {
            result = await removed.WaitAsync(job.Value).WaitAsync(bus.Options.JobTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return Result<string>.Fail(BusFailures.Timeout, $"{verb} of {name}: job {job.Value} did not complete within {bus.Options.JobTimeoutSeconds:0.#} s");
        }
        return result == "done" ? job.Value : Result<string>.Fail(BusFailures.JobFailed, $"{verb} of {name}: job result '{result}'");
    }

    private Task<Result<string>> UnitPathAsync(string name, CancellationToken ct) =>
        bus.CallAsync(new MethodCall(Service, ManagerPath, ManagerInterface, "GetUnit", "s"),
            (ref MessageWriter w) => w.WriteString(name), "o", r => Result<string>.Ok(r.ReadObjectPathAsString()), ct);

    /// <summary>A unit name: printable ASCII without spaces or slashes, not starting with a dash (never an option to a tool), with a type suffix, at most 255 characters.</summary>
    public static bool IsUnitName(string name) =>
        name.Length is > 2 and <= 255 && name.Contains('.') && !name.StartsWith('.') && !name.StartsWith('-')
        && name.All(c => c is > ' ' and < (char)127 and not '/' and not '\\');

    /// <summary>Job results by job path, kept from the moment the watch started (a result may arrive before the job's path is known).</summary>
    private sealed class JobWaiter
    {
        private readonly Dictionary<string, TaskCompletionSource<string>> _jobs = new(StringComparer.Ordinal);

        public void Removed(string job, string result)
        {
            lock (_jobs) Slot(job).TrySetResult(result);
        }

        public Task<string> WaitAsync(string job)
        {
            lock (_jobs) return Slot(job).Task;
        }

        private TaskCompletionSource<string> Slot(string job)
        {
            if (!_jobs.TryGetValue(job, out var slot))
                _jobs[job] = slot = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            return slot;
        }
    }
}
