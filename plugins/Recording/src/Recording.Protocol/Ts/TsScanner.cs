using Appliance.Abstractions;

namespace Appliance.Plugins.Recording.Protocol.Ts;

/// <summary>One video PES of a scanned stream: the packets from <see cref="Start"/> up to <see cref="End"/> (exclusive).</summary>
/// <param name="Complete">All its bytes are there: its declared length was reached, or the next PES began after it.</param>
public readonly record struct TsFrame(long Start, long End, long Pts, bool Keyframe, bool Complete);

/// <summary>What a scan found: the video frames in order and, when it stopped early, why.</summary>
/// <param name="Scanned">Bytes read as whole, well-formed packets.</param>
/// <param name="Problem">Why the scan stopped before the end (lost sync, a malformed PES header, a cut packet), or null.</param>
public sealed record TsScan(IReadOnlyList<TsFrame> Frames, long Scanned, bool StartsWithTables, string? Problem);

/// <summary>
/// Reads a transport stream of the recorder's layout (<see cref="TsLayout"/>) packet by packet and lists its video
/// PES. Total: any bytes give a scan (never an exception); it stops at the first packet that is not well-formed and
/// says where and why.
/// </summary>
public static class TsScanner
{
    public static TsScan Scan(ReadOnlySpan<byte> data)
    {
        var frames = new List<TsFrame>();
        long offset = 0;
        string? problem = null;
        var startsWithTables = data.Length >= TsLayout.PacketSize && data[0] == TsLayout.SyncByte && Pid(data) == TsLayout.PatPid;
        // The PES being read: start, declared payload length (0: unbounded), bytes seen, PTS, keyframe.
        long start = -1, declared = 0, seen = 0, pts = 0, lastEnd = 0;
        var keyframe = false;

        void Close(bool complete)
        {
            if (start >= 0) frames.Add(new TsFrame(start, lastEnd, pts, keyframe, complete));
            start = -1;
        }

        while (offset + TsLayout.PacketSize <= data.Length)
        {
            var p = data.Slice((int)offset, TsLayout.PacketSize);
            if (p[0] != TsLayout.SyncByte)
            {
                problem = $"no sync byte at offset {offset}";
                break;
            }
            var pid = Pid(p);
            var unitStart = (p[1] & 0x40) != 0;
            var control = (p[3] >> 4) & 0x3;
            var at = 4;
            var randomAccess = false;
            if (control is 2 or 3)
            {
                var length = p[4];
                if (length > 183 || (control == 3 && length == 183))
                {
                    problem = $"adaptation field of {length} bytes at offset {offset}";
                    break;
                }
                if (length > 0) randomAccess = (p[5] & 0x40) != 0;
                at = 5 + length;
            }
            var payload = control is 1 or 3 ? p[at..] : [];
            if (pid == TsLayout.VideoPid)
            {
                if (unitStart)
                {
                    Close(declared == 0 || seen >= declared);
                    if (!ReadHeader(payload).TryGetValue(out var header, out var failure))
                    {
                        problem = $"{failure.Message} at offset {offset}";
                        break;
                    }
                    start = offset;
                    declared = header.Declared;
                    seen = payload.Length - 6; // counted from after the length field
                    pts = header.Pts;
                    keyframe = randomAccess;
                }
                else if (start >= 0)
                {
                    seen += payload.Length;
                }
                lastEnd = offset + TsLayout.PacketSize;
                if (start >= 0 && declared > 0 && seen >= declared) Close(true);
            }
            offset += TsLayout.PacketSize;
        }
        if (problem is null && offset < data.Length) problem = $"{data.Length - offset} bytes of a cut packet at the end";
        Close(false);
        return new TsScan(frames, offset, startsWithTables, problem);
    }

    private static int Pid(ReadOnlySpan<byte> packet) => ((packet[1] & 0x1F) << 8) | packet[2];

    private readonly record struct PesHeader(long Declared, long Pts);

    private static Result<PesHeader> ReadHeader(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 14 || payload[0] != 0 || payload[1] != 0 || payload[2] != 1) return new Failure("malformed", "no PES start code");
        if ((payload[7] & 0x80) == 0) return new Failure("malformed", "a video PES without a PTS");
        var declared = (payload[4] << 8) | payload[5];
        var t = payload[9..];
        var pts = ((long)(t[0] >> 1) & 0x07) << 30 | (long)t[1] << 22 | ((long)t[2] >> 1) << 15 | (long)t[3] << 7 | (long)t[4] >> 1;
        return new PesHeader(declared, pts);
    }
}
