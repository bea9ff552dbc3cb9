using Appliance.Abstractions.Events;
using Appliance.Host.Storage;

namespace Appliance.Host.Events;

/// <summary>What enforcing the budget removed: how many events per category, and how many of them a durable
/// subscriber had not received yet (those are lost to it, and reported).</summary>
public sealed record OutboxDrops(int Dropped, int Owed, IReadOnlyDictionary<string, int> ByCategory)
{
    public static readonly OutboxDrops None = new(0, 0, new Dictionary<string, int>());
}

/// <summary>
/// Keeps the outbox within a number of events (<c>appliance.outboxMaxEvents</c>) even while a subscriber is away
/// for long (the cloud link during an outage): over the budget, the oldest events go, least important category
/// first (system, then analytics, then camera, alarms last). Every drop is counted, those still owed to a
/// subscriber separately, so the caller can report them.
/// </summary>
public sealed class OutboxBudget(Database db)
{
    /// <summary>Least important first: what goes first when the budget is hit.</summary>
    public static readonly IReadOnlyList<EventCategory> DropOrder = [EventCategory.System, EventCategory.Analytics, EventCategory.Camera, EventCategory.Alarm];

    public OutboxDrops Enforce(long maxEvents)
    {
        using var connection = db.Open();
        using var tx = connection.BeginTransaction();
        var count = Scalar(connection, tx, "SELECT COUNT(*) FROM events");
        var excess = count - maxEvents;
        if (excess <= 0) return OutboxDrops.None;
        // Events above the lowest cursor are owed to at least one subscriber.
        var lowestCursor = Scalar(connection, tx, "SELECT COALESCE(MIN(cursor), (SELECT COALESCE(MAX(seq), 0) FROM events)) FROM subscriptions");
        var byCategory = new Dictionary<string, int>(StringComparer.Ordinal);
        var owed = 0;
        foreach (var category in DropOrder)
        {
            if (excess <= 0) break;
            using var select = connection.CreateCommand();
            select.Transaction = tx;
            select.CommandText = "SELECT COALESCE(MAX(seq), 0), COUNT(*), COALESCE(SUM(seq > $cursor), 0) FROM (SELECT seq FROM events WHERE category = $category ORDER BY seq LIMIT $n)";
            select.Parameters.AddWithValue("$category", category.ToString());
            select.Parameters.AddWithValue("$n", excess);
            select.Parameters.AddWithValue("$cursor", lowestCursor);
            long upTo, n, owedHere;
            using (var reader = select.ExecuteReader())
            {
                reader.Read();
                (upTo, n, owedHere) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            }
            if (n == 0) continue;
            using var delete = connection.CreateCommand();
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM events WHERE category = $category AND seq <= $upTo";
            delete.Parameters.AddWithValue("$category", category.ToString());
            delete.Parameters.AddWithValue("$upTo", upTo);
            delete.ExecuteNonQuery();
            byCategory[category.ToString()] = (int)n;
            owed += (int)owedHere;
            excess -= n;
        }
        tx.Commit();
        return new OutboxDrops(byCategory.Values.Sum(), owed, byCategory);
    }

    private static long Scalar(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction tx, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar());
    }
}
