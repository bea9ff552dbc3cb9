using System.Text.Json.Serialization;

namespace Appliance.Plugins.Recording.ObjectStorage;

/// <summary>Where an item of the upload queue is: waiting (or waiting for a retry), part-way through, done, given up.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UploadState>))]
public enum UploadState
{
    Queued,
    Uploading,
    Done,
    Failed,
}

/// <summary>A part the server acknowledged: its number (1-based), the ETag it answered, the MD5 we sent (base64), its size.</summary>
public sealed record UploadedPart(int Number, string ETag, string Md5, long Size);

/// <summary>
/// One file to export and everything needed to continue its upload after a restart: the multipart upload id and the
/// parts already acknowledged. Written to the queue directory after every change (one JSON journal per item).
/// </summary>
public sealed record QueueItem
{
    public required string Id { get; init; }

    public required string LocalPath { get; init; }

    public required string Key { get; init; }

    /// <summary>The file's size and last write time when it was queued: a file that changes afterwards is refused.</summary>
    public required long Size { get; init; }

    public required DateTime FileModifiedUtc { get; init; }

    public required long PartSize { get; init; }

    public required DateTimeOffset Enqueued { get; init; }

    public UploadState State { get; init; } = UploadState.Queued;

    /// <summary>The multipart upload this item continues; null before it is created and for single-PUT items.</summary>
    public string? UploadId { get; init; }

    public IReadOnlyList<UploadedPart> Parts { get; init; } = [];

    /// <summary>Failed attempts so far (reset when the item is queued again by hand).</summary>
    public int Attempts { get; init; }

    public DateTimeOffset NextAttempt { get; init; }

    /// <summary>The last failure: why it is waiting for a retry (<see cref="UploadState.Queued"/>/<see cref="UploadState.Uploading"/>) or why it gave up (<see cref="UploadState.Failed"/>).</summary>
    public string? FailureCode { get; init; }

    public string? FailureMessage { get; init; }

    public DateTimeOffset? Completed { get; init; }

    /// <summary>How many parts the file is cut into: one for a file no larger than a part (sent as one PUT).</summary>
    [JsonIgnore]
    public int PartCount => Size <= PartSize ? 1 : (int)((Size + PartSize - 1) / PartSize);

    [JsonIgnore]
    public bool IsMultipart => Size > PartSize;

    public override string ToString() =>
        $"{Id} {Key} {State} {Parts.Count}/{PartCount} parts{(FailureCode is null ? "" : $" ({FailureCode}: {FailureMessage})")}";
}
