using Appliance.Plugins.Recording.Protocol.Video;

namespace Appliance.Plugins.Recording.Protocol.Ts;

/// <summary>One video access unit read back from a transport stream: its PTS (33-bit, as in the stream), keyframe
/// flag (the random access indicator) and Annex-B bytes.</summary>
public sealed record TsAccessUnit(long Pts, bool Keyframe, byte[] AnnexB);

/// <summary>
/// Reads the video access units of a transport stream of the recorder's layout (<see cref="TsLayout"/>) from a stream,
/// packet by packet, without holding more than one access unit. The codec comes from the PMT's stream type. Total: any
/// bytes give units up to the first packet that is not well-formed, then <see cref="Problem"/> says why. A last PES
/// whose declared length is not reached is left out (a cut frame is not a frame); a last PES without a declared length
/// (over 64 KiB) is taken only when <paramref name="wholeFramesOnly"/> says the input holds whole frames (a clip).
/// </summary>
public sealed class TsAccessUnitReader(Stream input, bool wholeFramesOnly = false)
{
    /// <summary>The largest access unit accepted (a 4K keyframe is a few MB); a larger PES is a problem, not a unit.</summary>
    public const int MaxUnitBytes = 16 * 1024 * 1024;

    private readonly byte[] _packet = new byte[TsLayout.PacketSize];
    private readonly MemoryStream _pes = new();
    private long _offset;
    private bool _ended;
    private bool _inPes;
    private bool _randomAccess;
    private int _declared;
    private long _pts;

    /// <summary>The video codec named by the PMT, once a PMT was read.</summary>
    public VideoCodec? Codec { get; private set; }

    /// <summary>Why reading stopped before the end of the input, or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>Reads the next whole access unit; false at the end of the input or at the first problem.</summary>
    public bool TryRead(out TsAccessUnit unit)
    {
        unit = null!;
        while (!_ended)
        {
            var read = input.ReadAtLeast(_packet, TsLayout.PacketSize, throwOnEndOfStream: false);
            if (read < TsLayout.PacketSize)
            {
                _ended = true;
                if (read > 0) Problem = $"{read} bytes of a cut packet at the end";
                if (_inPes && _declared == 0 && wholeFramesOnly && Problem is null)
                {
                    unit = Take();
                    return true;
                }
                return false;
            }
            var at = _offset;
            _offset += TsLayout.PacketSize;
            if (!Accept(at, out var finished)) return false;
            if (finished is not null)
            {
                unit = finished;
                return true;
            }
        }
        return false;
    }

    /// <summary>Takes one packet; a PES that the packet completes (or that a new PES start ends) comes out in <paramref name="finished"/>.</summary>
    private bool Accept(long at, out TsAccessUnit? finished)
    {
        finished = null;
        var p = _packet.AsSpan();
        if (p[0] != TsLayout.SyncByte) return Stop($"no sync byte at offset {at}");
        var pid = ((p[1] & 0x1F) << 8) | p[2];
        var unitStart = (p[1] & 0x40) != 0;
        var control = (p[3] >> 4) & 0x3;
        var payloadAt = 4;
        var randomAccess = false;
        if (control is 2 or 3)
        {
            var length = p[4];
            if (length > 183 || (control == 3 && length == 183)) return Stop($"adaptation field of {length} bytes at offset {at}");
            if (length > 0) randomAccess = (p[5] & 0x40) != 0;
            payloadAt = 5 + length;
        }
        var payload = control is 1 or 3 ? p[payloadAt..] : [];
        if (pid == TsLayout.PmtPid && unitStart) return ReadPmt(payload, at);
        if (pid != TsLayout.VideoPid) return true;
        if (unitStart)
        {
            if (_inPes) finished = Take();
            if (!StartPes(payload, randomAccess, at)) return false;
        }
        else if (_inPes)
        {
            if (_pes.Length + payload.Length > MaxUnitBytes) return Stop($"an access unit over {MaxUnitBytes} bytes at offset {at}");
            _pes.Write(payload);
        }
        if (finished is null && _inPes && _declared > 0 && _pes.Length >= _declared) finished = Take();
        return true;
    }

    private bool StartPes(ReadOnlySpan<byte> payload, bool randomAccess, long at)
    {
        if (payload.Length < 14 || payload[0] != 0 || payload[1] != 0 || payload[2] != 1) return Stop($"no PES start code at offset {at}");
        if ((payload[7] & 0x80) == 0) return Stop($"a video PES without a PTS at offset {at}");
        var headerLength = payload[8];
        if (9 + headerLength > payload.Length) return Stop($"a PES header longer than its packet at offset {at}");
        var declared = (payload[4] << 8) | payload[5];
        _declared = declared == 0 ? 0 : declared - 3 - headerLength; // declared counts from after the length field
        if (declared != 0 && _declared < 0) return Stop($"a PES length shorter than its header at offset {at}");
        var t = payload[9..];
        _pts = ((long)(t[0] >> 1) & 0x07) << 30 | (long)t[1] << 22 | ((long)t[2] >> 1) << 15 | (long)t[3] << 7 | (long)t[4] >> 1;
        _randomAccess = randomAccess;
        _pes.SetLength(0);
        _pes.Write(payload[(9 + headerLength)..]);
        _inPes = true;
        return true;
    }

    private TsAccessUnit Take()
    {
        _inPes = false;
        var bytes = _declared > 0 && _pes.Length > _declared ? _pes.GetBuffer().AsSpan(0, _declared).ToArray() : _pes.ToArray();
        return new TsAccessUnit(_pts, _randomAccess, bytes);
    }

    private bool ReadPmt(ReadOnlySpan<byte> payload, long at)
    {
        // pointer_field, then the section: table_id 2, ..., program_info_length, then stream entries.
        if (payload.Length < 1 || payload[0] + 1 + 12 > payload.Length) return Stop($"a PMT cut short at offset {at}");
        var section = payload[(1 + payload[0])..];
        if (section[0] != 0x02) return Stop($"a PMT with table id {section[0]} at offset {at}");
        var programInfo = ((section[10] & 0x0F) << 8) | section[11];
        var entry = 12 + programInfo;
        if (entry + 5 > section.Length) return Stop($"a PMT without a stream at offset {at}");
        var streamType = section[entry];
        VideoCodec? codec = streamType == VideoCodec.H264.StreamType() ? VideoCodec.H264 : streamType == VideoCodec.H265.StreamType() ? VideoCodec.H265 : null;
        if (codec is null) return Stop($"a PMT naming stream type 0x{streamType:X2}, not H.264 or H.265, at offset {at}");
        if (Codec is { } known && known != codec) return Stop($"the codec changes from {known} to {codec} at offset {at}");
        Codec = codec;
        return true;
    }

    private bool Stop(string problem)
    {
        Problem = problem;
        _ended = true;
        _inPes = false;
        return false;
    }
}
