using System.Text;
using System.Text.Json;

namespace Appliance.Plugins.Elasticsearch.Protocol;

/// <summary>
/// The NDJSON body of a <c>_bulk</c> request: per document a <c>create</c> action line and the source line, each
/// ending in a newline (the API requires the final one). <see cref="Build"/> stops before the byte limit, so a
/// run larger than a request may carry is sent in parts.
/// </summary>
public static class BulkBody
{
    /// <summary>The default largest request: Elasticsearch's own <c>http.max_content_length</c> is 100 MB; bulk guidance is 5-15 MB.</summary>
    public const int DefaultMaxBytes = 5 * 1024 * 1024;

    /// <summary>The body and how many documents from the start of <paramref name="documents"/> it holds (at least one).</summary>
    public static (byte[] Body, int Count) Build(IReadOnlyList<BulkDocument> documents, int maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(documents.Count);
        using var buffer = new MemoryStream();
        var count = 0;
        foreach (var document in documents)
        {
            var action = JsonSerializer.Serialize(new Dictionary<string, object> { ["create"] = new Dictionary<string, string> { ["_index"] = document.Index, ["_id"] = document.Id } });
            var lines = Encoding.UTF8.GetBytes(action + "\n" + document.Json + "\n");
            if (count > 0 && buffer.Length + lines.Length > maxBytes) break;
            buffer.Write(lines);
            count++;
        }
        return (buffer.ToArray(), count);
    }
}
