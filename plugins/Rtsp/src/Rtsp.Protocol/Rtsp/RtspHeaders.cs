namespace Appliance.Plugins.Rtsp.Protocol.Rtsp;

/// <summary>RTSP message headers in arrival order; names compare case-insensitively (RFC 2326 §4.2).</summary>
public sealed class RtspHeaders
{
    private readonly List<KeyValuePair<string, string>> _items = new();

    public int Count => _items.Count;

    public IReadOnlyList<KeyValuePair<string, string>> Items => _items;

    public void Add(string name, string value)
    {
        ValidateToken(name);
        ValidateValue(value);
        _items.Add(new(name, value));
    }

    /// <summary>Replaces every header of that name with one value.</summary>
    public void Set(string name, string value)
    {
        Remove(name);
        Add(name, value);
    }

    public void Remove(string name) => _items.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    public string? Get(string name)
    {
        foreach (var h in _items)
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) return h.Value;
        return null;
    }

    public IEnumerable<string> GetAll(string name)
    {
        foreach (var h in _items)
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) yield return h.Value;
    }

    /// <summary>Appends a folded continuation line to the last header (RFC 2616 §2.2 LWS).</summary>
    internal bool AppendToLast(string continuation)
    {
        if (_items.Count == 0) return false;
        var last = _items[^1];
        _items[^1] = new(last.Key, last.Value + " " + continuation);
        return true;
    }

    internal void AddUnchecked(string name, string value) => _items.Add(new(name, value));

    private static void ValidateToken(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("header name is empty", nameof(name));
        foreach (var c in name)
            if (c <= ' ' || c >= 127 || c == ':') throw new ArgumentException($"header name '{name}' has a forbidden character", nameof(name));
    }

    private static void ValidateValue(string value)
    {
        foreach (var c in value)
            if (c == '\r' || c == '\n' || c == '\0') throw new ArgumentException("header value contains CR, LF or NUL", nameof(value));
    }
}
