using Appliance.Abstractions;
using Appliance.Plugins.Recording.Protocol.Ts;
using Appliance.Plugins.Recording.Protocol.Video;

namespace Appliance.Plugins.Recording.Protocol.Segments;

/// <summary>
/// One segment file being written: it starts at a keyframe (units before the first keyframe are skipped), and every
/// keyframe goes out behind PAT, PMT and the stream's parameter sets (when the unit does not carry them itself), so
/// the file, and any clip cut from it at a keyframe, decodes alone. Each unit is handed to the OS as it is written (a
/// killed process loses nothing written); <see cref="Flush"/> with <c>durable</c> also asks the disk (fsync).
/// </summary>
public sealed class SegmentWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly BufferedStream _buffer;
    private readonly TsMuxer _muxer;
    private readonly ParameterSets _parameters;

    private SegmentWriter(string path, FileStream file, ParameterSets parameters)
    {
        Path = path;
        _file = file;
        _buffer = new BufferedStream(file, 256 * 1024);
        _parameters = parameters;
        _muxer = new TsMuxer(parameters.Codec);
    }

    public string Path { get; }

    public bool Started { get; private set; }

    public int Frames { get; private set; }

    public int Keyframes { get; private set; }

    /// <summary>Stream PTS (<see cref="TsLayout.StreamPts"/>) of the first and the last written unit.</summary>
    public long FirstPts { get; private set; }

    public long LastPts { get; private set; }

    /// <summary>Bytes written so far.</summary>
    public long Length => _buffer.Position;

    /// <summary>Creates the file (it must not exist). <paramref name="parameters"/> is shared with the recorder, which keeps it current.</summary>
    public static Result<SegmentWriter> Create(string path, ParameterSets parameters)
    {
        try
        {
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 1);
            return new SegmentWriter(path, file, parameters);
        }
        catch (IOException e)
        {
            return new Failure("io", $"cannot create {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return new Failure("io", $"cannot create {path}: {e.Message}");
        }
    }

    /// <summary>
    /// Writes one access unit (Annex B) at <paramref name="pts90k"/>. Ok(false) when it was skipped (no keyframe yet);
    /// <c>io</c> when the disk refused it (full, gone): the segment then ends at its last whole unit.
    /// </summary>
    public Result<bool> Write(ReadOnlySpan<byte> annexB, long pts90k, bool keyframe)
    {
        if (!Started && !keyframe) return false;
        try
        {
            if (keyframe)
            {
                var carries = _parameters.Observe(annexB);
                _muxer.WriteTables(_buffer);
                _muxer.WriteAccessUnit(_buffer, annexB, pts90k, true, carries ? default : _parameters.AnnexB());
                Keyframes++;
            }
            else
            {
                _muxer.WriteAccessUnit(_buffer, annexB, pts90k, false);
            }
            _buffer.Flush();
        }
        catch (IOException e)
        {
            return new Failure("io", $"{Path}: {e.Message}");
        }
        if (!Started) FirstPts = TsLayout.StreamPts(pts90k);
        Started = true;
        LastPts = TsLayout.StreamPts(pts90k);
        Frames++;
        return true;
    }

    /// <summary>Hands buffered bytes to the OS; with <paramref name="durable"/> also to the disk.</summary>
    public Result<bool> Flush(bool durable)
    {
        try
        {
            _buffer.Flush();
            _file.Flush(durable);
            return true;
        }
        catch (IOException e)
        {
            return new Failure("io", $"{Path}: {e.Message}");
        }
    }

    public void Dispose()
    {
        try
        {
            _buffer.Flush();
            _file.Flush(true);
        }
        catch (IOException)
        {
            // A full disk at close: what is on disk is recovered or dropped at the next start.
        }
        try
        {
            _buffer.Dispose(); // flushes what a refused write left in the buffer: refused again on a full disk
        }
        catch (IOException)
        {
        }
        _file.Dispose();
    }
}
