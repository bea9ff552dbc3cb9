using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Plugins.Elasticsearch.Protocol;

/// <summary>
/// Reads the answer of <c>POST /_bulk</c>: <c>{"took":..,"errors":bool,"items":[{"create":{"_index":..,"_id":..,
/// "status":201}}, {"create":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":..}}}]}</c>
/// (https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html#bulk-api-response-body). The items
/// are in request order; each one's outcome follows its status.
/// </summary>
public static class BulkAnswer
{
    /// <summary>Failure code <c>answer</c>: not JSON, no items array, or not one item per document sent.</summary>
    public static Result<IReadOnlyList<BulkItem>> Parse(ReadOnlySpan<byte> json, int documents)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
                return Result<IReadOnlyList<BulkItem>>.Fail("answer", "the _bulk answer has no items array");
            if (items.GetArrayLength() != documents)
                return Result<IReadOnlyList<BulkItem>>.Fail("answer", $"the _bulk answer has {items.GetArrayLength()} items for {documents} documents");
            var list = new List<BulkItem>(documents);
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.EnumerateObject().Any())
                    return Result<IReadOnlyList<BulkItem>>.Fail("answer", $"item {list.Count} is not an object with an action");
                var result = item.EnumerateObject().First().Value;
                if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("status", out var statusElement) || statusElement.ValueKind != JsonValueKind.Number || !statusElement.TryGetInt32(out var status))
                    return Result<IReadOnlyList<BulkItem>>.Fail("answer", $"item {list.Count} has no status");
                list.Add(new BulkItem(Outcome(status), status, Error(result)));
            }
            return list;
        }
        catch (JsonException ex)
        {
            return Result<IReadOnlyList<BulkItem>>.Fail("answer", $"the _bulk answer is not JSON ({ex.Message})");
        }
    }

    private static BulkItemOutcome Outcome(int status) => status switch
    {
        >= 200 and < 300 or 409 => BulkItemOutcome.Indexed,
        429 or >= 500 => BulkItemOutcome.Retry,
        _ => BulkItemOutcome.Rejected,
    };

    private static string? Error(JsonElement result)
    {
        if (!result.TryGetProperty("error", out var error)) return null;
        if (error.ValueKind != JsonValueKind.Object) return error.ToString();
        var type = error.TryGetProperty("type", out var t) ? t.ToString() : "error";
        var reason = error.TryGetProperty("reason", out var r) ? r.ToString() : "";
        return $"{type}: {reason}";
    }
}
