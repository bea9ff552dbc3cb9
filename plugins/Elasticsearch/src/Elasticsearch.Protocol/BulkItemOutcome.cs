namespace Appliance.Plugins.Elasticsearch.Protocol;

/// <summary>What became of one document of a <c>_bulk</c> request.</summary>
public enum BulkItemOutcome
{
    /// <summary>Created (201) or already there (409 on <c>create</c>: a document sent again after a lost answer).</summary>
    Indexed,

    /// <summary>The cluster could not take it now (429, 5xx): send it again later.</summary>
    Retry,

    /// <summary>The cluster refuses this document (400 mapping or parsing errors, 403 for its index...): no repeat will help.</summary>
    Rejected,
}

/// <summary>One item of the answer: the outcome, the HTTP status and, for a failure, the error type and reason.</summary>
public sealed record BulkItem(BulkItemOutcome Outcome, int Status, string? Error);
