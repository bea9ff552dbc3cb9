using System.Text;
using Appliance.Abstractions;
using Appliance.Plugins.Recording.Plugin.Index;
using Appliance.Plugins.Recording.Protocol.Segments;
using Appliance.Plugins.Recording.Protocol.Storage;
using Appliance.Plugins.Recording.Protocol.Video;

namespace Appliance.Plugins.Recording.Plugin.Recorder;

/// <summary>
/// Segment files under <c>{DataDirectory}/segments/{camera}/</c> and their rows in the index: opening, recovery at
/// start, retention. The index never names a file that is not there and whole: at start every open or damaged
/// segment is cut back to its whole frames or dropped, rows without a file are removed and files without a row deleted.
/// </summary>
internal sealed class SegmentStore(string dataDirectory, RecordingIndex index, IPluginLogger log)
{
    public string Root { get; } = Path.Combine(dataDirectory, "segments");

    public RecordingIndex Index => index;

    public string FullPath(string relative) => Path.Combine(dataDirectory, relative);

    /// <summary>A new segment file for <paramref name="camera"/> starting at <paramref name="startUs"/>, its row added first.</summary>
    public Result<(long Id, SegmentWriter Writer)> Open(string camera, long startUs, long firstPts, ParameterSets parameters)
    {
        var folder = Path.Combine(Root, SafeName(camera));
        Directory.CreateDirectory(folder);
        var relative = Path.GetRelativePath(dataDirectory, Path.Combine(folder, $"{startUs}.ts"));
        if (File.Exists(FullPath(relative))) relative = Path.GetRelativePath(dataDirectory, Path.Combine(folder, $"{startUs}-{Guid.NewGuid():N}.ts"));
        var id = index.AddOpenSegment(camera, relative, startUs, firstPts);
        var writer = SegmentWriter.Create(FullPath(relative), parameters);
        if (!writer.IsOk)
        {
            index.DeleteSegment(id);
            return writer.Failure!;
        }
        return (id, writer.Value);
    }

    /// <summary>What recovery did at start, for logs and health.</summary>
    public sealed record RecoveryReport(int Recovered, int Dropped, int MissingRows, int OrphanFiles, IReadOnlyList<string> Problems);

    /// <summary>
    /// Brings index and disk into agreement: open rows (the process died while writing) and rows whose file length
    /// differs are recovered to whole frames or dropped; rows without a file go; files no row names are deleted.
    /// </summary>
    public RecoveryReport Recover()
    {
        int recovered = 0, dropped = 0, missing = 0, orphans = 0;
        var problems = new List<string>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in index.Segments())
        {
            var path = FullPath(row.Path);
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                index.DeleteSegment(row.Id);
                missing++;
                problems.Add($"{row.Path}: file missing, dropped from the index");
                continue;
            }
            known.Add(Path.GetFullPath(path));
            if (!row.Open && info.Length == row.Bytes) continue;
            var extent = SegmentRecovery.RecoverFile(path);
            if (!extent.IsOk)
            {
                index.DeleteSegment(row.Id);
                TryDelete(path);
                dropped++;
                problems.Add($"{row.Path}: {extent.Failure!.Message}; dropped");
                continue;
            }
            var e = extent.Value;
            var endUs = row.StartUs + (long)(e.Seconds * 1_000_000);
            index.UpdateSegment(row.Id, endUs, e.LastPts, e.Length, e.Frames, open: false);
            recovered++;
            if (!row.Open) problems.Add($"{row.Path}: {info.Length} bytes on disk, {row.Bytes} indexed; cut back to {e.Length} bytes of whole frames");
        }
        if (Directory.Exists(Root))
        {
            foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                if (known.Contains(Path.GetFullPath(file))) continue;
                TryDelete(file);
                orphans++;
                problems.Add($"{Path.GetRelativePath(dataDirectory, file)}: no index row, deleted");
            }
        }
        foreach (var p in problems) log.Warn("recovery: {Problem}", p);
        return new RecoveryReport(recovered, dropped, missing, orphans, problems);
    }

    /// <summary>Deletes what the limits say must go (closed segments only, oldest first); returns the count.</summary>
    public int ApplyRetention(RetentionLimits limits, IReadOnlyDictionary<string, long> openBytes, long nowUs)
    {
        var closed = index.Segments().Where(s => !s.Open).ToList();
        var byId = closed.ToDictionary(s => s.Id);
        var plan = RetentionPlan.Decide(closed.Select(s => new StoredSegment(s.Id, s.Camera, s.StartUs, s.Bytes)).ToList(), openBytes, limits, nowUs);
        foreach (var (segment, _) in plan)
        {
            // Row first: the index must never name a deleted file; a file left by a crash here is an orphan deleted at start.
            index.DeleteSegment(segment.Id);
            TryDelete(FullPath(byId[segment.Id].Path));
        }
        var oldest = index.Segments().Select(s => s.StartUs).DefaultIfEmpty(nowUs).Min();
        index.DeleteEventsBefore(oldest);
        return plan.Count;
    }

    /// <summary>A camera id as a folder name: letters, digits, '-', '_' kept, anything else as _xx (hex).</summary>
    public static string SafeName(string camera)
    {
        var name = new StringBuilder();
        foreach (var c in camera)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_') name.Append(c);
            else name.Append('_').Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return name.Length == 0 ? "_" : name.ToString();
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            log.Warn("cannot delete {Path}: {Error}", path, e.Message);
        }
    }
}
