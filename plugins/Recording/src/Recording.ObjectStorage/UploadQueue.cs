using System.Text;
using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Plugins.Recording.ObjectStorage;

/// <summary>
/// The upload queue on disk: one JSON journal per item (<c>{id}.json</c>) in <see cref="Directory"/>, replaced
/// atomically (written to a temporary file, flushed to disk, renamed) after every change, so a process killed at any
/// point leaves each item at its previous or its new state. A journal that cannot be read is moved to
/// <c>corrupt/</c> and named in <see cref="Problems"/>; the other items are loaded as they were.
/// </summary>
public sealed class UploadQueue
{
    private const int MaxJournalBytes = 4 * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly Dictionary<string, QueueItem> _items = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    private UploadQueue(string directory, TimeProvider time, IReadOnlyList<string> problems)
    {
        Directory = directory;
        _time = time;
        Problems = problems;
    }

    public string Directory { get; }

    /// <summary>Journals found unreadable when the queue was opened (each moved to <c>corrupt/</c>), with why.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Raised after an item is queued (the exporter wakes up).</summary>
    public event Action? Enqueued;

    /// <summary>Opens (creating if needed) the queue in <paramref name="directory"/> and loads every readable journal.</summary>
    public static Result<UploadQueue> Open(string directory, TimeProvider time)
    {
        try
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Result<UploadQueue>.Fail("queue", $"cannot create the queue directory {directory}: {e.Message}");
        }

        var problems = new List<string>();
        var loaded = new List<QueueItem>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var read = ReadJournal(path);
            if (read.TryGetValue(out var item, out var failure))
            {
                loaded.Add(item);
                continue;
            }

            problems.Add($"{Path.GetFileName(path)}: {failure.Message}");
            var corrupt = System.IO.Directory.CreateDirectory(Path.Combine(directory, "corrupt")).FullName;
            File.Move(path, Path.Combine(corrupt, Path.GetFileName(path)), overwrite: true);
        }

        foreach (var stale in System.IO.Directory.EnumerateFiles(directory, "*.json.tmp"))
        {
            File.Delete(stale);
        }

        var queue = new UploadQueue(directory, time, problems);
        foreach (var item in loaded)
        {
            queue._items[item.Id] = item;
        }

        return queue;
    }

    /// <summary>
    /// Queues <paramref name="localPath"/> for upload as <paramref name="key"/>, cut into parts of
    /// <paramref name="partSize"/>. Fails (<c>local-file</c>, <c>invalid</c>) when the file is not there or the key or
    /// size are not something S3 takes.
    /// </summary>
    public Result<QueueItem> Enqueue(string localPath, string key, long partSize)
    {
        var keyError = KeyError(key);
        if (keyError is not null)
        {
            return Result<QueueItem>.Fail(Failure.InvalidCode, keyError);
        }

        if (partSize < S3Destination.MinPartSize || partSize > S3Destination.MaxPartSize)
        {
            return Result<QueueItem>.Fail(Failure.InvalidCode, $"part size {partSize} is outside {S3Destination.MinPartSize}..{S3Destination.MaxPartSize} bytes");
        }

        var file = new FileInfo(localPath);
        if (!file.Exists)
        {
            return Result<QueueItem>.Fail("local-file", $"{localPath} does not exist");
        }

        if ((file.Length + partSize - 1) / partSize > S3Destination.MaxParts)
        {
            return Result<QueueItem>.Fail(Failure.InvalidCode, $"{localPath} ({file.Length} bytes) needs more than {S3Destination.MaxParts} parts of {partSize} bytes");
        }

        var now = _time.GetUtcNow();
        var item = new QueueItem
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            LocalPath = file.FullName,
            Key = key,
            Size = file.Length,
            FileModifiedUtc = file.LastWriteTimeUtc,
            PartSize = partSize,
            Enqueued = now,
            NextAttempt = now,
        };
        Save(item);
        Enqueued?.Invoke();
        return item;
    }

    /// <summary>Every item, oldest first.</summary>
    public IReadOnlyList<QueueItem> Items()
    {
        lock (_gate)
        {
            return [.. _items.Values.OrderBy(i => i.Id, StringComparer.Ordinal)];
        }
    }

    public QueueItem? Find(string id)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(id);
        }
    }

    /// <summary>Puts a failed item back in the queue (its parts and upload id kept), e.g. after the credentials were fixed.</summary>
    public Result<QueueItem> Requeue(string id)
    {
        var item = Find(id);
        if (item is null)
        {
            return Result<QueueItem>.Fail("not-found", $"no queue item {id}");
        }

        var again = item with
        {
            State = item.Parts.Count > 0 ? UploadState.Uploading : UploadState.Queued,
            Attempts = 0,
            NextAttempt = _time.GetUtcNow(),
        };
        Save(again);
        Enqueued?.Invoke();
        return again;
    }

    /// <summary>Forgets an item (its journal is deleted); false if there was none.</summary>
    public bool Remove(string id)
    {
        lock (_gate)
        {
            if (!_items.Remove(id))
            {
                return false;
            }

            File.Delete(JournalPath(id));
            return true;
        }
    }

    /// <summary>Records the item's new state: in memory and in its journal, atomically.</summary>
    internal void Save(QueueItem item)
    {
        lock (_gate)
        {
            var path = JournalPath(item.Id);
            var temporary = path + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, item, Json);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            _items[item.Id] = item;
        }
    }

    private string JournalPath(string id) => Path.Combine(Directory, id + ".json");

    private static Result<QueueItem> ReadJournal(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length > MaxJournalBytes)
            {
                return Result<QueueItem>.Fail("corrupt", $"{bytes.Length} bytes, more than a journal can be");
            }

            var item = JsonSerializer.Deserialize<QueueItem>(bytes, Json);
            if (item is null)
            {
                return Result<QueueItem>.Fail("corrupt", "the journal is null");
            }

            var error = Inconsistency(item, Path.GetFileNameWithoutExtension(path));
            return error is null ? item : Result<QueueItem>.Fail("corrupt", error);
        }
        catch (JsonException e)
        {
            return Result<QueueItem>.Fail("corrupt", $"not a queue journal: {e.Message}");
        }
        catch (IOException e)
        {
            return Result<QueueItem>.Fail("corrupt", $"cannot be read: {e.Message}");
        }
    }

    private static string? Inconsistency(QueueItem item, string fileId)
    {
        if (item.Id != fileId)
        {
            return $"its id '{item.Id}' is not its file name";
        }

        if (item.Size < 0 || item.PartSize < S3Destination.MinPartSize || item.PartSize > S3Destination.MaxPartSize)
        {
            return $"size {item.Size} or part size {item.PartSize} is impossible";
        }

        if (KeyError(item.Key) is { } keyError)
        {
            return keyError;
        }

        if (item.Parts is null || item.Parts.Any(p => p is null || p.Number < 1 || p.Number > item.PartCount || string.IsNullOrEmpty(p.ETag)))
        {
            return "a part is missing its number or ETag, or is numbered beyond the file";
        }

        if (item.Parts.Select(p => p.Number).Distinct().Count() != item.Parts.Count)
        {
            return "a part is listed twice";
        }

        if (!Enum.IsDefined(item.State))
        {
            return $"unknown state {(int)item.State}";
        }

        return null;
    }

    /// <summary>Why S3 would not take <paramref name="key"/> as an object key; null when it would.</summary>
    internal static string? KeyError(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "the object key is empty";
        }

        if (Encoding.UTF8.GetByteCount(key) > 1024)
        {
            return "the object key is longer than 1024 bytes";
        }

        if (key.Any(char.IsControl))
        {
            return "the object key contains a control character";
        }

        return null;
    }
}
