using System.Text;
using System.Text.Json;

namespace Appliance.Plugins.Elasticsearch;

/// <summary>
/// Documents the cluster refused (a mapping or parsing error no repeat fixes), appended to
/// <c>{data}/rejected.ndjson</c> with the cluster's reason: the outbox moves on, nothing is lost, and an operator can
/// read them (route <c>rejected</c>) and re-send them after fixing the mapping. Bounded: past
/// <see cref="MaxBytes"/> nothing more is accepted, and indexing stops rather than lose documents.
/// </summary>
internal sealed class RejectedDocuments(string directory)
{
    public const long MaxBytes = 64L * 1024 * 1024;

    private readonly string _path = Path.Combine(directory, "rejected.ndjson");
    private readonly Lock _gate = new();

    /// <summary>False when the file is full (the caller must not move past the document).</summary>
    public bool TryAdd(DateTimeOffset at, string index, string id, int status, string? error, string documentJson)
    {
        var line = JsonSerializer.Serialize(new { at, index, id, status, error, document = JsonDocument.Parse(documentJson).RootElement }) + "\n";
        lock (_gate)
        {
            var length = File.Exists(_path) ? new FileInfo(_path).Length : 0;
            if (length + line.Length > MaxBytes) return false;
            File.AppendAllText(_path, line, Encoding.UTF8);
            return true;
        }
    }

    /// <summary>The latest <paramref name="count"/> lines as a JSON array.</summary>
    public string Latest(int count)
    {
        lock (_gate)
        {
            if (!File.Exists(_path)) return "[]";
            var lines = File.ReadLines(_path).TakeLast(count);
            return "[" + string.Join(",", lines) + "]";
        }
    }
}
