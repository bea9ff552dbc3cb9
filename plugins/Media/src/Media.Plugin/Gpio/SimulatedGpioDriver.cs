using System.Collections.Concurrent;
using System.Device.Gpio;

namespace Appliance.Plugins.Media.Plugin.Gpio;

/// <summary>
/// A <see cref="GpioDriver"/> with lines in memory, for tests and demos. Chosen only by <c>gpio.driver: simulated</c>,
/// never as a fallback. A test drives inputs with <see cref="SetInput"/> (callbacks fire as a kernel edge would) and
/// reads what outputs were driven with <see cref="Level"/> and <see cref="Writes"/>.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly ConcurrentDictionary<int, PinValue> _levels = new();
    private readonly ConcurrentDictionary<int, PinMode> _modes = new();
    private readonly ConcurrentDictionary<int, (PinEventTypes Types, PinChangeEventHandler Handler)> _callbacks = new();

    public SimulatedGpioDriver(int lines = 64) => LineCount = lines;

    private int LineCount { get; }

    /// <summary>Every write, in order: line, level and when.</summary>
    public ConcurrentQueue<(int Line, PinValue Value, DateTimeOffset At)> Writes { get; } = new();

    /// <summary>The current level of <paramref name="line"/>.</summary>
    public PinValue Level(int line) => _levels.GetValueOrDefault(line, PinValue.Low);

    /// <summary>Sets an input's level as the outside world would and raises the registered edge callback.</summary>
    public void SetInput(int line, PinValue value)
    {
        var old = _levels.GetValueOrDefault(line, PinValue.Low);
        _levels[line] = value;
        if (old == value || !_callbacks.TryGetValue(line, out var cb)) return;
        var edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
        if ((cb.Types & edge) != 0) cb.Handler(this, new PinValueChangedEventArgs(edge, line));
    }

    protected override int PinCount => LineCount;

    protected override void OpenPin(int pinNumber) => _modes.TryAdd(pinNumber, PinMode.Input);

    protected override void ClosePin(int pinNumber)
    {
        _modes.TryRemove(pinNumber, out _);
        _callbacks.TryRemove(pinNumber, out _);
    }

    protected override void SetPinMode(int pinNumber, PinMode mode) => _modes[pinNumber] = mode;

    protected override PinMode GetPinMode(int pinNumber) => _modes.GetValueOrDefault(pinNumber, PinMode.Input);

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    protected override PinValue Read(int pinNumber) => _levels.GetValueOrDefault(pinNumber, PinValue.Low);

    protected override void Write(int pinNumber, PinValue value)
    {
        _levels[pinNumber] = value;
        Writes.Enqueue((pinNumber, value, DateTimeOffset.UtcNow));
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        cancellationToken.WaitHandle.WaitOne();
        return new WaitForEventResult { TimedOut = true, EventTypes = PinEventTypes.None };
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        _callbacks[pinNumber] = (eventTypes, callback);

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        _callbacks.TryRemove(pinNumber, out _);
}
