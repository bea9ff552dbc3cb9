namespace Appliance.Firewall;

/// <summary>How an apply ended.</summary>
public enum ApplyStatus
{
    /// <summary>The new ruleset is in force (and was confirmed, if a confirmation was given).</summary>
    Applied,

    /// <summary>The new ruleset was refused before it took effect (nft missing, check failed, load failed); the previous ruleset stays in force.</summary>
    Rejected,

    /// <summary>The new ruleset was loaded but not confirmed in time; the previous ruleset was restored.</summary>
    RolledBack,

    /// <summary>The new ruleset was not confirmed and restoring the previous one failed too: the firewall state needs attention.</summary>
    RollbackFailed,
}

/// <summary>The outcome of <see cref="NftablesApplier.ApplyAsync"/>: a status and a sentence naming the culprit.</summary>
public sealed record ApplyResult(ApplyStatus Status, string Message)
{
    /// <summary>True when the new ruleset is in force.</summary>
    public bool Succeeded => Status == ApplyStatus.Applied;
}
