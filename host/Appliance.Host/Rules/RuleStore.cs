using System.Text.Json;
using Appliance.Core.Rules;
using Appliance.Host.Plugins.Services;
using Appliance.Host.Storage;

namespace Appliance.Host.Rules;

/// <summary>
/// The rules (table <c>rules</c>, one validated JSON document per rule). Every write is checked by the F# core
/// (every error with its path, unknown event types, impossible filters and schedules, cycles among all rules);
/// readers get an immutable snapshot, replaced on each change. Rules may name the event types plugins registered by
/// name (<see cref="EventTypeCatalog"/>, HostApi 1.1) as well as the built-in ones.
/// </summary>
public sealed class RuleStore
{
    private readonly Database _db;
    private readonly TimeProvider _time;
    private readonly object _writeLock = new();
    private RuleSet _rules;

    private readonly EventTypeCatalog? _named;

    public RuleStore(Database db, TimeProvider time, EventTypeCatalog? named = null)
    {
        _db = db;
        _time = time;
        _named = named;
        _rules = Load();
    }

    /// <summary>
    /// The event types rules may name, with what each carries: the built-in ones and those plugins registered by name
    /// so far (a plugin's types are known once it started; a rule on them is refused before).
    /// </summary>
    public IReadOnlyDictionary<string, EventCatalog.EventShape> Catalog =>
        RulesFacade.Catalog(_named?.All().Where(t => t.Owner != EventTypeCatalog.HostOwner).Select(t => t.Type) ?? []);

    /// <summary>Raised after a rule was added, replaced or deleted (the runner drops memory of deleted rules).</summary>
    public event Action? Changed;

    /// <summary>The current rules, in id order (an immutable snapshot).</summary>
    public RuleSet Rules => Volatile.Read(ref _rules);

    public Rule? Get(string id) => Rules.FirstOrDefault(r => r.Id == id);

    /// <summary>Checks a rule document as <see cref="Save"/> would, without storing it.</summary>
    public RuleCheck Check(string json, string? replacing = null) =>
        RulesFacade.Check(Catalog, Rules.Where(r => r.Id != replacing), json);

    /// <summary>
    /// Stores the rule in <paramref name="json"/>. With <paramref name="replacing"/> (a PUT), the document's id must
    /// be that id and the rule must exist; without it (a POST), the id must be new.
    /// </summary>
    public RuleCheck Save(string json, string? replacing)
    {
        RuleCheck saved;
        lock (_writeLock)
        {
            var check = Check(json, replacing);
            if (!check.IsValid) return check;
            var rule = check.Valid;
            if (replacing is not null && rule.Id != replacing)
                return Refused("id", $"is \"{rule.Id}\" but the rule addressed is \"{replacing}\"; a rule's id cannot change");
            if (replacing is not null && Get(replacing) is null)
                return Refused("", $"rule \"{replacing}\" does not exist");
            if (replacing is null && Get(rule.Id) is not null)
                return Refused("id", $"\"{rule.Id}\" is used by another rule");
            if (replacing is null && Rules.Count >= RuleLimits.maxRules)
                return Refused("", $"there are already {RuleLimits.maxRules} rules; the limit is {RuleLimits.maxRules}");
            using (var connection = _db.Open())
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = """
                    INSERT INTO rules (id, json, updated_at) VALUES ($id, $json, $at)
                    ON CONFLICT(id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
                    """;
                cmd.Parameters.AddWithValue("$id", rule.Id);
                cmd.Parameters.AddWithValue("$json", RulesFacade.Serialize(rule));
                cmd.Parameters.AddWithValue("$at", _time.GetUtcNow().ToString("O"));
                cmd.ExecuteNonQuery();
            }
            Volatile.Write(ref _rules, Load());
            saved = check;
        }
        Changed?.Invoke();
        return saved;
    }

    public bool Delete(string id)
    {
        int deleted;
        lock (_writeLock)
        {
            using var connection = _db.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "DELETE FROM rules WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", id);
            deleted = cmd.ExecuteNonQuery();
            if (deleted > 0) Volatile.Write(ref _rules, Load());
        }
        if (deleted > 0) Changed?.Invoke();
        return deleted > 0;
    }

    /// <summary>Reads the table again after it was replaced underneath (a restored backup) and tells the watchers.</summary>
    public void Reload()
    {
        lock (_writeLock) Volatile.Write(ref _rules, Load());
        Changed?.Invoke();
    }

    private static RuleCheck Refused(string path, string message) => RulesFacade.Refused(path, message);

    /// <summary>
    /// Reads every stored rule; a stored document the current core refuses is skipped, never guessed. The event types a
    /// stored rule names were checked when it was saved; those of plugins are not registered yet at start-up (plugins
    /// start later), so they are taken as known here.
    /// </summary>
    private RuleSet Load()
    {
        var rules = new List<Rule>();
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT json FROM rules ORDER BY id";
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var json = reader.GetString(0);
            var check = RulesFacade.Check(RulesFacade.Catalog(TriggerTypes(json)), [], json);
            if (check.IsValid) rules.Add(check.Valid);
        }
        return RulesFacade.RuleSet(rules);
    }

    /// <summary>The event type names of a stored rule's trigger (none when the document has no such list).</summary>
    private static IReadOnlyList<string> TriggerTypes(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("trigger", out var trigger) && trigger.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array
            ? events.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];
    }
}
