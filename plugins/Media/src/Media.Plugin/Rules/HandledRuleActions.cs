namespace Appliance.Plugins.Media.Plugin.Rules;

/// <summary>What identifies one requested action across redeliveries (see <c>RuleActionRequested</c>).</summary>
internal readonly record struct RuleActionKey(Guid TriggerEventId, string RuleId, int ActionIndex);

/// <summary>
/// The last <c>capacity</c> rule actions this plugin took on, so an action delivered again (delivery is at least
/// once) is not carried out twice: an output is not pulsed a second time. The oldest key is forgotten first.
/// Thread-safe; one instance per plugin start.
/// </summary>
internal sealed class HandledRuleActions
{
    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly LinkedList<RuleActionKey> _order = new();
    private readonly Dictionary<RuleActionKey, LinkedListNode<RuleActionKey>> _keys = new();

    public HandledRuleActions(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count
    {
        get { lock (_gate) return _keys.Count; }
    }

    /// <summary>True when <paramref name="key"/> was not taken on yet (it is now); false for a repeat.</summary>
    public bool TryClaim(RuleActionKey key)
    {
        lock (_gate)
        {
            if (_keys.ContainsKey(key)) return false;
            _keys[key] = _order.AddLast(key);
            while (_keys.Count > _capacity)
            {
                _keys.Remove(_order.First!.Value);
                _order.RemoveFirst();
            }
            return true;
        }
    }

    /// <summary>Forgets a claim whose action was not carried out and will be delivered again.</summary>
    public void Release(RuleActionKey key)
    {
        lock (_gate)
        {
            if (_keys.Remove(key, out var node)) _order.Remove(node);
        }
    }
}
