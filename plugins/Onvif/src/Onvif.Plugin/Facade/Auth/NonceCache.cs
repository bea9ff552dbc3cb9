namespace Appliance.Plugins.Onvif.Plugin.Facade.Auth;

/// <summary>
/// Replay protection for WS-Security UsernameTokens: a token is accepted only when its Created time lies within
/// <c>window</c> of our clock and its nonce was not seen within that window. Bounded: at most <c>capacity</c> nonces;
/// when every slot holds a nonce still inside the window, new tokens are refused (fail closed) rather than forgetting
/// a nonce that could then be replayed.
/// </summary>
public sealed class NonceCache(TimeProvider time, TimeSpan window, int capacity)
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Nonce, DateTimeOffset Expires)> _order = new();
    private readonly Lock _lock = new();

    public enum Outcome { Fresh, Replayed, OutsideWindow, Full }

    public int Count { get { lock (_lock) return _seen.Count; } }

    /// <summary>True when a token created at <paramref name="created"/> may still be accepted.</summary>
    public bool InWindow(DateTimeOffset created)
    {
        var now = time.GetUtcNow();
        return created <= now + window && created >= now - window;
    }

    /// <summary>Records the nonce if the token is fresh.</summary>
    public Outcome Admit(string nonce, DateTimeOffset created)
    {
        var now = time.GetUtcNow();
        if (!InWindow(created)) return Outcome.OutsideWindow;
        lock (_lock)
        {
            while (_order.Count > 0 && _order.Peek().Expires <= now) _seen.Remove(_order.Dequeue().Nonce);
            if (_seen.ContainsKey(nonce)) return Outcome.Replayed;
            if (_seen.Count >= capacity) return Outcome.Full;
            // A nonce is remembered until its token could no longer pass the Created check.
            var expires = created + window + TimeSpan.FromSeconds(1);
            _seen[nonce] = expires;
            _order.Enqueue((nonce, expires > now ? expires : now));
            return Outcome.Fresh;
        }
    }
}
