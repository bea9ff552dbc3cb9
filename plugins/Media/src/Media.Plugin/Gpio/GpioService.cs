using System.Device.Gpio;
using System.Threading.Channels;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Media.Protocol.Gpio;

namespace Appliance.Plugins.Media.Plugin.Gpio;

/// <summary>
/// Named GPIO inputs (debounced, active-high or -low) published as <see cref="DigitalInputChanged"/>, and named
/// outputs driven by the API: on, off, or a pulse of a given duration. One instance per plugin start.
/// </summary>
internal sealed class GpioService : IDisposable
{
    private readonly object _gate = new();
    private readonly GpioSettings _settings;
    private readonly GpioController _controller;
    private readonly TimeProvider _time;
    private readonly Dictionary<int, (GpioInputSettings Input, InputDebouncer Debouncer)> _inputs = new();
    private readonly Dictionary<string, GpioOutputSettings> _outputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ITimer> _pulseEnds = new(StringComparer.Ordinal);
    private readonly Dictionary<int, ITimer> _settleTimers = new();
    private readonly Channel<DigitalInputChanged> _changes = Channel.CreateUnbounded<DigitalInputChanged>();

    /// <summary>Why outputs cannot be driven when <c>gpio.driver</c> is <c>none</c>.</summary>
    public const string NotConfigured = "GPIO is not configured (gpio.driver is none)";

    public GpioService(GpioSettings settings, GpioDriver driver, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        _controller = new GpioController(driver);
        foreach (var output in settings.Outputs)
        {
            _controller.OpenPin(output.Line, PinMode.Output);
            _controller.Write(output.Line, Level(false, output.ActiveLow));
            _outputs[output.Name] = output;
        }
        foreach (var input in settings.Inputs)
        {
            _controller.OpenPin(input.Line, PinMode.Input);
            var high = _controller.Read(input.Line) == PinValue.High;
            _inputs[input.Line] = (input, new InputDebouncer(TimeSpan.FromMilliseconds(input.DebounceMs), input.ActiveLow, high));
            _controller.RegisterCallbackForPinValueChangedEvent(input.Line, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
        }
    }

    /// <summary>Debounced input changes, in order, for the plugin's publishing loop.</summary>
    public ChannelReader<DigitalInputChanged> Changes => _changes.Reader;

    /// <summary>Each input's debounced state and each output's level, by name.</summary>
    public IReadOnlyDictionary<string, bool> States()
    {
        lock (_gate)
        {
            var states = _inputs.Values.ToDictionary(i => i.Input.Name, i => i.Debouncer.Active, StringComparer.Ordinal);
            foreach (var o in _outputs.Values) states[o.Name] = (_controller.Read(o.Line) == PinValue.High) != o.ActiveLow;
            return states;
        }
    }

    /// <summary>Drives output <paramref name="name"/> active or inactive; with <paramref name="pulse"/>, active for that long
    /// and then inactive. A new command replaces a pulse in progress. Fails with <c>not-found</c> for an unknown output.</summary>
    public Result<bool> Drive(string name, bool active, TimeSpan? pulse = null)
    {
        lock (_gate)
        {
            if (!_outputs.TryGetValue(name, out var output)) return Result<bool>.Fail("not-found", $"no GPIO output named '{name}'");
            if (_pulseEnds.Remove(name, out var previous)) previous.Dispose();
            _controller.Write(output.Line, Level(active, output.ActiveLow));
            if (pulse is { } duration && active)
                _pulseEnds[name] = _time.CreateTimer(_ => EndPulse(name), null, duration, Timeout.InfiniteTimeSpan);
            return active;
        }
    }

    private void EndPulse(string name)
    {
        lock (_gate)
        {
            if (!_pulseEnds.Remove(name, out var timer)) return;
            timer.Dispose();
            var output = _outputs[name];
            _controller.Write(output.Line, Level(false, output.ActiveLow));
        }
    }

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        lock (_gate)
        {
            if (!_inputs.TryGetValue(e.PinNumber, out var input)) return;
            input.Debouncer.Raw(e.ChangeType == PinEventTypes.Rising, _time.GetUtcNow());
            if (_settleTimers.Remove(e.PinNumber, out var old)) old.Dispose();
            if (input.Debouncer.DueAt is { } due)
                _settleTimers[e.PinNumber] = _time.CreateTimer(_ => Settle(e.PinNumber), null, Until(due, _time.GetUtcNow()), Timeout.InfiniteTimeSpan);
        }
    }

    private void Settle(int line)
    {
        lock (_gate)
        {
            if (!_inputs.TryGetValue(line, out var input)) return;
            if (_settleTimers.Remove(line, out var fired)) fired.Dispose();
            var now = _time.GetUtcNow();
            if (input.Debouncer.Settle(now) is { } active)
                _changes.Writer.TryWrite(new DigitalInputChanged(_settings.Device, input.Input.Name, active));
            else if (input.Debouncer.DueAt is { } due) // a timer may fire a little early: arm it again
                _settleTimers[line] = _time.CreateTimer(_ => Settle(line), null, Until(due, now) + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>How long until <paramref name="due"/>, never negative: an edge handled after its debounce has already
    /// passed (a short debounce on a loaded machine; seen with gpio-sim in the emulated image) settles at once. A
    /// negative due time made the timer throw in the edge callback, or, at -1 ms, never fire, and the change was lost.</summary>
    private static TimeSpan Until(DateTimeOffset due, DateTimeOffset now) => due > now ? due - now : TimeSpan.Zero;

    private static PinValue Level(bool active, bool activeLow) => active != activeLow ? PinValue.High : PinValue.Low;

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var t in _pulseEnds.Values.Concat(_settleTimers.Values)) t.Dispose();
            _pulseEnds.Clear();
            _settleTimers.Clear();
            _changes.Writer.TryComplete();
        }
        _controller.Dispose();
    }
}
