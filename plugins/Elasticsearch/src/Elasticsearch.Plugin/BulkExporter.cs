using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Elasticsearch.Protocol;

namespace Appliance.Plugins.Elasticsearch;

/// <summary>Counters shown at the <c>status</c> route.</summary>
internal sealed record ExportStatus(long Indexed, long Rejected, long Requests, string? LastError, bool TemplateInstalled);

/// <summary>
/// The batch handler of the durable subscription <c>index</c>: a run of events from the outbox goes out in as few
/// <c>_bulk</c> requests as the size limit allows. It reports delivered the leading events the cluster indexed (or
/// refused for good, kept in <see cref="RejectedDocuments"/>); from the first one the cluster could not take now (429,
/// 5xx, a failed request), the outbox hands the rest over again after its backoff: that is the backpressure, and the
/// retry, and since each document's id is its event's, a document sent twice is a 409 the answer counts as indexed.
/// The index template is installed before the first request (again after a restart; the call is idempotent).
/// </summary>
internal sealed class BulkExporter(IPluginContext context, ElasticEndpoint endpoint, ElasticClient client, string prefix, string applianceName, int maxRequestBytes, RejectedDocuments rejected)
{
    private readonly Lock _gate = new();
    private ExportStatus _status = new(0, 0, 0, null, false);

    public ExportStatus Status
    {
        get
        {
            lock (_gate) return _status;
        }
    }

    public async Task<int> ExportAsync(IReadOnlyList<EventEnvelope> batch, CancellationToken ct)
    {
        if (!Status.TemplateInstalled)
        {
            var installed = await client.PutIndexTemplateAsync(endpoint, IndexTemplate.NameFor(prefix), IndexTemplate.For(prefix), ct);
            if (!installed.IsOk) return Failed(0, $"index template: {installed.Failure}");
            Update(s => s with { TemplateInstalled = true });
        }
        var documents = batch.Select(e => EventDocument.From(e, prefix, applianceName)).ToList();
        var done = 0;
        var limit = maxRequestBytes;
        while (done < documents.Count)
        {
            var (body, count) = BulkBody.Build(documents.Skip(done).ToList(), limit);
            var answer = await client.BulkAsync(endpoint, body, count, ct);
            Update(s => s with { Requests = s.Requests + 1 });
            if (!answer.IsOk)
            {
                if (answer.Failure!.Code == "too-large" && count > 1)
                {
                    limit = Math.Max(1, body.Length / 2);
                    continue;
                }
                if (answer.Failure.Code == "too-large")
                {
                    // One document larger than the cluster takes: refused for good, like a mapping error.
                    if (!Reject(documents[done], 413, answer.Failure.Message)) return Failed(done, "rejected.ndjson is full");
                    done++;
                    continue;
                }
                return Failed(done, answer.Failure.ToString());
            }
            var items = answer.Value;
            for (var i = 0; i < items.Count; i++)
            {
                switch (items[i].Outcome)
                {
                    case BulkItemOutcome.Indexed:
                        Update(s => s with { Indexed = s.Indexed + 1 });
                        break;
                    case BulkItemOutcome.Rejected:
                        if (!Reject(documents[done + i], items[i].Status, items[i].Error)) return Failed(done + i, "rejected.ndjson is full");
                        break;
                    default:
                        return Failed(done + i, $"the cluster could not take document {documents[done + i].Id} now: HTTP {items[i].Status} {items[i].Error}");
                }
            }
            done += count;
        }
        context.Health.Report("cluster", HealthState.Healthy, $"{Status.Indexed} documents indexed");
        return done;
    }

    private bool Reject(BulkDocument document, int status, string? error)
    {
        if (!rejected.TryAdd(context.Time.GetUtcNow(), document.Index, document.Id, status, error, document.Json)) return false;
        Update(s => s with { Rejected = s.Rejected + 1, LastError = $"document {document.Id} refused: HTTP {status} {error}" });
        context.Logger.Warn("Elasticsearch refused document {Id} ({Status} {Error}); kept in rejected.ndjson", document.Id, status, error);
        return true;
    }

    private int Failed(int delivered, string error)
    {
        Update(s => s with { LastError = error });
        context.Health.Report("cluster", HealthState.Degraded, error);
        return delivered;
    }

    private void Update(Func<ExportStatus, ExportStatus> change)
    {
        lock (_gate) _status = change(_status);
    }
}
