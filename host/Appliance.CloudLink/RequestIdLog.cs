using System.Globalization;

namespace Appliance.CloudLink;

/// <summary>
/// The request ids a <see cref="ReplayGuard"/> took, kept in a file so a command redelivered after a restart (a
/// persistent session hands unacknowledged messages over again) still runs once. One line per id:
/// <c>{until as Unix milliseconds} {id}</c>, appended and flushed as each is taken; on load the lines still in force are
/// read and the file is rewritten with only those. A malformed line (a torn last write) is skipped.
/// </summary>
public sealed class RequestIdLog : IDisposable
{
    public const int MaxIdLength = 200;

    private readonly string _path;
    private readonly Lock _lock = new();
    private StreamWriter? _writer;

    public RequestIdLog(string path)
    {
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>The ids still in force at <paramref name="now"/>; the file is compacted to them.</summary>
    public IReadOnlyList<(string Id, DateTimeOffset Until)> Load(DateTimeOffset now)
    {
        lock (_lock)
        {
            var live = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            if (File.Exists(_path))
            {
                foreach (var line in File.ReadLines(_path))
                {
                    var space = line.IndexOf(' ');
                    if (space <= 0 || space == line.Length - 1 || line.Length - space - 1 > MaxIdLength) continue;
                    if (!long.TryParse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) continue;
                    if (ms is < 0 or > 253402300799999) continue;
                    var until = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                    if (until > now) live[line[(space + 1)..]] = until;
                }
            }
            var temporary = _path + ".tmp";
            File.WriteAllLines(temporary, live.Select(e => Line(e.Key, e.Value)));
            File.Move(temporary, _path, overwrite: true);
            _writer?.Dispose();
            _writer = new StreamWriter(new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read));
            return live.Select(e => (e.Key, e.Value)).ToList();
        }
    }

    /// <summary>Appends one taken id (ids with line breaks or over <see cref="MaxIdLength"/> are not kept on disk).</summary>
    public void Remember(string id, DateTimeOffset until)
    {
        if (id.Length is 0 or > MaxIdLength || id.AsSpan().IndexOfAny('\r', '\n') >= 0) return;
        lock (_lock)
        {
            if (_writer is null) return;
            _writer.WriteLine(Line(id, until));
            _writer.Flush();
        }
    }

    private static string Line(string id, DateTimeOffset until) =>
        $"{until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)} {id}";

    public void Dispose()
    {
        lock (_lock)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }
}
