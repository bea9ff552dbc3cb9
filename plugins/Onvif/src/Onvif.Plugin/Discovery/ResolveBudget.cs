namespace Appliance.Plugins.Onvif.Plugin.Discovery;

/// <summary>
/// When to send a WS-Discovery Resolve for a device announced without XAddrs: once per endpoint reference per
/// <see cref="Window"/>, and at most <see cref="MaxPerWindow"/> in all per window, so a flood of forged XAddr-less
/// matches cannot turn the appliance into a multicast amplifier.
/// </summary>
public sealed class ResolveBudget(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    public const int MaxPerWindow = 32;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _sent = new(StringComparer.Ordinal);
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _inWindow;

    /// <summary>Resolves refused by the budget so far.</summary>
    public long Refused { get; private set; }

    public bool TryTake(string endpointReference)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (now - _windowStart >= Window)
            {
                _windowStart = now;
                _inWindow = 0;
                foreach (var old in _sent.Where(kv => now - kv.Value >= Window).Select(kv => kv.Key).ToList()) _sent.Remove(old);
            }
            if ((_sent.TryGetValue(endpointReference, out var last) && now - last < Window) || _inWindow >= MaxPerWindow)
            {
                Refused++;
                return false;
            }
            _sent[endpointReference] = now;
            _inWindow++;
            return true;
        }
    }
}
