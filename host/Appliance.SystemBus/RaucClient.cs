using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary>RAUC's view of itself: what it is doing, how far, the last error, and the slot this system booted from.</summary>
public sealed record RaucState(string Operation, int Percent, string Message, string LastError, string Compatible, string BootSlot);

/// <summary>One slot as <c>GetSlotStatus</c> reports it (the fields the appliance shows).</summary>
public sealed record RaucSlot(string Name, string Class, string State, string BootStatus, string BundleVersion, string Device);

/// <summary>
/// <c>de.pengutronix.rauc.Installer</c> (RAUC 1.8): install a bundle into the inactive slot and wait for
/// <c>Completed</c>, read progress and the last error, list slots, and mark the booted slot good or bad.
/// RAUC itself checks the bundle's signature against the image's keyring and its compatible before writing.
/// </summary>
public sealed class RaucClient(BusConnection bus)
{
    public const string Service = "de.pengutronix.rauc";
    public const string Path = "/";
    public const string Interface = "de.pengutronix.rauc.Installer";

    public async Task<Result<RaucState>> GetStateAsync(CancellationToken ct)
    {
        var props = await bus.GetAllAsync(Service, Path, Interface, ct).ConfigureAwait(false);
        return props.Bind(p =>
            from operation in p.String("Operation")
            from lastError in p.StringOr("LastError", "")
            from progress in Progress(p)
            from compatible in p.StringOr("Compatible", "")
            from boot in p.StringOr("BootSlot", "")
            select new RaucState(operation, progress.Percent, progress.Message, lastError, compatible, boot));
    }

    /// <summary>
    /// Installs <paramref name="bundle"/> (a local path) and waits for RAUC's <c>Completed</c> signal: 0 is success,
    /// any other result is <c>install-failed</c> with RAUC's <c>LastError</c>. <paramref name="progress"/> gets each
    /// progress change RAUC announces while it works.
    /// </summary>
    public async Task<Result<bool>> InstallAsync(string bundle, Action<int, string>? progress, TimeSpan timeout, CancellationToken ct)
    {
        if (!System.IO.Path.IsPathFullyQualified(bundle)) return Result<bool>.Fail(BusFailures.Invalid, $"'{bundle}' is not an absolute path");
        var completed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = await bus.WatchSignalAsync(Path, Interface, "Completed", "i", r => r.ReadInt32(), code => completed.TrySetResult(code), ct)
            .ConfigureAwait(false);
        if (!watch.IsOk) return Result<bool>.Fail(watch.Failure!);
        using var _ = watch.Value;
        using var progressWatch = progress is null ? null : await WatchProgressAsync(progress, ct).ConfigureAwait(false);
        var started = await bus.CallAsync(new MethodCall(Service, Path, Interface, "InstallBundle", "sa{sv}"),
            (ref MessageWriter w) =>
            {
                w.WriteString(bundle);
                var dict = w.WriteDictionaryStart();
                w.WriteDictionaryEnd(dict);
            }, ct).ConfigureAwait(false);
        if (!started.IsOk) return started;
        int code;
        try
        {
            code = await completed.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return Result<bool>.Fail(BusFailures.Timeout, $"RAUC did not complete the installation of {bundle} within {timeout.TotalMinutes:0.#} min");
        }
        if (code == 0) return true;
        var state = await GetStateAsync(ct).ConfigureAwait(false);
        var why = state.IsOk && state.Value.LastError.Length > 0 ? state.Value.LastError : $"result {code}";
        return Result<bool>.Fail(InstallFailed, $"RAUC refused or failed the installation: {why}");
    }

    public const string InstallFailed = "install-failed";

    /// <summary>Marks a slot (<c>booted</c>, <c>other</c> or a slot name) <c>good</c> or <c>bad</c>; RAUC's message back.</summary>
    public Task<Result<string>> MarkAsync(bool good, string slot, CancellationToken ct)
    {
        if (slot.Length is 0 or > 64 || !slot.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            return Task.FromResult(Result<string>.Fail(BusFailures.Invalid, $"'{slot}' is not a slot identifier"));
        return bus.CallAsync(new MethodCall(Service, Path, Interface, "Mark", "ss"),
            (ref MessageWriter w) => { w.WriteString(good ? "good" : "bad"); w.WriteString(slot); },
            "ss", r =>
            {
                var name = r.ReadString();
                var message = r.ReadString();
                return Result<string>.Ok($"{name}: {message}");
            }, ct);
    }

    public Task<Result<IReadOnlyList<RaucSlot>>> GetSlotsAsync(CancellationToken ct) =>
        bus.CallAsync(new MethodCall(Service, Path, Interface, "GetSlotStatus"), null, "a(sa{sv})", r =>
        {
            var slots = new List<RaucSlot>();
            var end = r.ReadArrayStart(DBusType.Struct);
            while (r.HasNext(end))
            {
                r.AlignStruct();
                var name = r.ReadString();
                var bag = new PropertyBag($"RAUC slot {name}", r.ReadDictionaryOfStringToVariantValue());
                var slot =
                    from cls in bag.StringOr("class", "")
                    from state in bag.StringOr("state", "")
                    from boot in bag.StringOr("boot-status", "")
                    from version in bag.StringOr("bundle.version", "")
                    from device in bag.StringOr("device", "")
                    select new RaucSlot(name, cls, state, boot, version, device);
                if (!slot.IsOk) return Result<IReadOnlyList<RaucSlot>>.Fail(slot.Failure!);
                slots.Add(slot.Value);
            }
            return slots;
        }, ct);

    private async Task<IDisposable?> WatchProgressAsync(Action<int, string> progress, CancellationToken ct)
    {
        var watch = await bus.WatchSignalAsync(Path, Properties.Interface, "PropertiesChanged", "sa{sv}as",
            r =>
            {
                var iface = r.ReadString();
                var changed = r.ReadDictionaryOfStringToVariantValue();
                return (iface, changed);
            },
            change =>
            {
                if (change.iface != Interface || !change.changed.ContainsKey("Progress")) return;
                var read = Progress(new PropertyBag("RAUC progress", change.changed));
                if (read.IsOk) progress(read.Value.Percent, read.Value.Message);
            }, ct).ConfigureAwait(false);
        return watch.IsOk ? watch.Value : null;
    }

    /// <summary>The <c>Progress</c> property: a struct (percentage, message, nesting depth).</summary>
    private static Result<(int Percent, string Message)> Progress(PropertyBag bag)
    {
        if (!bag.Has("Progress")) return (0, "");
        return bag.Struct("Progress", "(isi)", v =>
        {
            var percent = v.GetItem(0).GetInt32();
            return (Math.Clamp(percent, 0, 100), v.GetItem(1).GetString());
        });
    }
}
