using System.Text.RegularExpressions;
using Appliance.Abstractions;
using Appliance.Plugins.Media.Protocol.Snapshots;

namespace Appliance.Plugins.Media.Plugin.Snapshots;

/// <summary>
/// Kept JPEGs (event and reference snapshots) as files <c>{id}.jpg</c> in one folder, each kind within its own byte
/// budget (<see cref="SnapshotBudgets"/>): after each save the oldest files of each kind go until its total fits
/// (<see cref="SnapshotRetention"/>). The kind is the id's prefix (<c>event-</c>, <c>reference-</c>). Thread-safe.
/// </summary>
internal sealed partial class SnapshotStore
{
    private readonly object _gate = new();
    private readonly string _folder;
    private readonly SnapshotBudgets _budgets;

    public SnapshotStore(string folder, SnapshotBudgets budgets)
    {
        _folder = folder;
        _budgets = budgets;
        Directory.CreateDirectory(folder);
    }

    [GeneratedRegex("^(event|reference)-[A-Za-z0-9._-]{1,150}$")]
    private static partial Regex IdPattern();

    public static bool IsValidId(string id) => IdPattern().IsMatch(id) && !id.Contains("..", StringComparison.Ordinal);

    /// <summary>Saves <paramref name="jpeg"/> as <paramref name="id"/> (replacing one of that id); fails with <c>invalid-id</c>.</summary>
    public Result<string> Save(string id, byte[] jpeg)
    {
        if (!IsValidId(id)) return Result<string>.Fail("invalid-id", $"'{id}' is not a snapshot id");
        lock (_gate)
        {
            var path = Path.Combine(_folder, id + ".jpg");
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, jpeg);
            File.Move(temporary, path, true);
            foreach (var old in SnapshotRetention.ToDelete(List(), _budgets))
                File.Delete(Path.Combine(_folder, old.Id + ".jpg"));
            return id;
        }
    }

    /// <summary>The JPEG of <paramref name="id"/>, or null if there is none (or the id is malformed).</summary>
    public byte[]? Read(string id)
    {
        if (!IsValidId(id)) return null;
        lock (_gate)
        {
            var path = Path.Combine(_folder, id + ".jpg");
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
    }

    public IReadOnlyList<StoredSnapshot> List()
    {
        lock (_gate)
        {
            return new DirectoryInfo(_folder).EnumerateFiles("*.jpg")
                .Select(f => (Id: Path.GetFileNameWithoutExtension(f.Name), File: f))
                .Where(x => IsValidId(x.Id))
                .Select(x => new StoredSnapshot(x.Id, x.Id.StartsWith("reference-", StringComparison.Ordinal) ? SnapshotKind.Reference : SnapshotKind.Event,
                    x.File.Length, new DateTimeOffset(x.File.LastWriteTimeUtc, TimeSpan.Zero)))
                .ToList();
        }
    }

    public long TotalBytes => List().Sum(s => s.Bytes);

    /// <summary>The bytes kept of one kind (each kind stays within its own budget).</summary>
    public long BytesOf(SnapshotKind kind) => List().Where(s => s.Kind == kind).Sum(s => s.Bytes);
}
