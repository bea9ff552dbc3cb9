namespace Appliance.Plugins.Sms;

/// <summary>One message as shown to users: to whom, for which rule, what became of it.</summary>
internal sealed record SentMessage(DateTimeOffset At, string RuleId, string To, string Outcome, string? Error);

/// <summary>
/// The latest messages (newest last, at most <c>capacity</c>), and which (action, recipient) pairs were sent, so that
/// an action retried for one recipient does not text the others twice while the plugin runs.
/// </summary>
internal sealed class SentLog(int capacity = 500)
{
    private readonly Queue<SentMessage> _messages = new();
    private readonly HashSet<string> _sent = [];
    private readonly Lock _gate = new();

    public bool WasSent(string key)
    {
        lock (_gate) return _sent.Contains(key);
    }

    public void Add(SentMessage message, string? sentKey)
    {
        lock (_gate)
        {
            _messages.Enqueue(message);
            while (_messages.Count > capacity) _messages.Dequeue();
            if (sentKey is not null) _sent.Add(sentKey);
        }
    }

    /// <summary>Forgets the sent pairs of an action once it is done (delivered or given up).</summary>
    public void Done(string actionKey)
    {
        lock (_gate) _sent.RemoveWhere(k => k.StartsWith(actionKey, StringComparison.Ordinal));
    }

    public IReadOnlyList<SentMessage> Snapshot()
    {
        lock (_gate) return _messages.ToList();
    }
}
