using System.Globalization;
using System.Text.Json;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.Elasticsearch.Protocol;

/// <summary>
/// An event as a document: <c>@timestamp</c>, <c>event.{id,type,category,source,sequence}</c>, <c>appliance.name</c>,
/// <c>camera.id</c> when the payload names one, and the payload under <c>data</c>. Daily indices
/// <c>{prefix}-yyyy.MM.dd</c> (UTC) keep deleting old data cheap; the id is the event id.
/// </summary>
public static class EventDocument
{
    public static BulkDocument From(EventEnvelope envelope, string prefix, string applianceName)
    {
        var camera = envelope.Data.ValueKind == JsonValueKind.Object && envelope.Data.TryGetProperty("cameraId", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()
            : null;
        var document = new Dictionary<string, object?>
        {
            ["@timestamp"] = envelope.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["event"] = new { id = envelope.Id, type = envelope.Type, category = envelope.Category.ToString().ToLowerInvariant(), source = envelope.Source, sequence = envelope.Sequence },
            ["appliance"] = new { name = applianceName },
            ["data"] = envelope.Data,
        };
        if (camera is not null) document["camera"] = new { id = camera };
        var index = $"{prefix}-{envelope.OccurredAt.UtcDateTime.ToString("yyyy.MM.dd", CultureInfo.InvariantCulture)}";
        return new BulkDocument(index, envelope.Id.ToString("D"), JsonSerializer.Serialize(document));
    }
}
