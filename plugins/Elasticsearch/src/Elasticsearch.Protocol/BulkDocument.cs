namespace Appliance.Plugins.Elasticsearch.Protocol;

/// <summary>
/// One document for the <c>_bulk</c> API: its index, its id (the event id, so that a document sent twice is a
/// <c>409</c> conflict, not a copy) and its JSON source (one line, no newline inside: JSON writers escape them).
/// </summary>
public sealed record BulkDocument(string Index, string Id, string Json);
