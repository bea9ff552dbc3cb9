using Appliance.Plugins.Recording.Protocol.Video;

namespace Appliance.Plugins.Recording.Protocol.Ts;

/// <summary>
/// Writes one video stream as an MPEG-TS (ISO/IEC 13818-1) of 188-byte packets: PAT and PMT, then each access unit as
/// one PES with its PTS, an access unit delimiter in front, the PCR on the video PID at every PES start and the random
/// access indicator on keyframes. A PES that fits declares its length, so a reader can tell a complete last frame from
/// a cut one. Not thread-safe: one muxer per output.
/// </summary>
public sealed class TsMuxer(VideoCodec codec)
{
    private static readonly byte[] AudH264 = [0, 0, 0, 1, 0x09, 0xF0];
    private static readonly byte[] AudH265 = [0, 0, 0, 1, 0x46, 0x01, 0x50];
    private readonly byte[] _packet = new byte[TsLayout.PacketSize];
    private byte _patCounter;
    private byte _pmtCounter;
    private byte _videoCounter;

    public VideoCodec Codec => codec;

    /// <summary>PAT and PMT (two packets). Written at the start of every segment and before every keyframe.</summary>
    public void WriteTables(Stream output)
    {
        // PAT: program 1 -> PMT PID.
        Span<byte> pat = stackalloc byte[12];
        pat[0] = 0x00; // table_id
        pat[1] = 0xB0;
        pat[2] = 13; // section_length: 5 + 4 + 4 (CRC)
        pat[3] = 0x00;
        pat[4] = 0x01; // transport_stream_id 1
        pat[5] = 0xC1; // version 0, current
        pat[6] = 0x00;
        pat[7] = 0x00;
        pat[8] = 0x00;
        pat[9] = TsLayout.ProgramNumber;
        pat[10] = (byte)(0xE0 | (TsLayout.PmtPid >> 8));
        pat[11] = (byte)(TsLayout.PmtPid & 0xFF);
        WriteSection(output, TsLayout.PatPid, ref _patCounter, pat);

        // PMT: PCR on the video PID, one stream.
        Span<byte> pmt = stackalloc byte[17];
        pmt[0] = 0x02;
        pmt[1] = 0xB0;
        pmt[2] = 18; // 9 + 5 + 4
        pmt[3] = 0x00;
        pmt[4] = TsLayout.ProgramNumber;
        pmt[5] = 0xC1;
        pmt[6] = 0x00;
        pmt[7] = 0x00;
        pmt[8] = (byte)(0xE0 | (TsLayout.VideoPid >> 8));
        pmt[9] = TsLayout.VideoPid & 0xFF;
        pmt[10] = 0xF0;
        pmt[11] = 0x00; // program_info_length 0
        pmt[12] = codec.StreamType();
        pmt[13] = (byte)(0xE0 | (TsLayout.VideoPid >> 8));
        pmt[14] = TsLayout.VideoPid & 0xFF;
        pmt[15] = 0xF0;
        pmt[16] = 0x00; // ES_info_length 0
        WriteSection(output, TsLayout.PmtPid, ref _pmtCounter, pmt);
    }

    /// <summary>
    /// One access unit (Annex B) at <paramref name="pts90k"/> (90 kHz, any value: masked to 33 bits after
    /// <see cref="TsLayout.PtsOffset"/>). <paramref name="prefix"/> (parameter sets) goes in front of the unit's own NAL units.
    /// </summary>
    public void WriteAccessUnit(Stream output, ReadOnlySpan<byte> annexB, long pts90k, bool keyframe, ReadOnlySpan<byte> prefix = default)
    {
        var pts = TsLayout.StreamPts(pts90k);
        var aud = codec == VideoCodec.H264 ? AudH264 : AudH265;
        annexB = WithoutLeadingDelimiter(annexB); // ours goes first, before the parameter sets
        var esLength = aud.Length + prefix.Length + annexB.Length;
        Span<byte> header = stackalloc byte[14];
        var pesLength = 8 + esLength; // after the length field: flags (2), header length (1), PTS (5)
        header[0] = 0;
        header[1] = 0;
        header[2] = 1;
        header[3] = 0xE0; // video stream 0
        header[4] = pesLength <= 0xFFFF ? (byte)(pesLength >> 8) : (byte)0;
        header[5] = pesLength <= 0xFFFF ? (byte)pesLength : (byte)0;
        header[6] = 0x80; // '10', not scrambled, no priority, no alignment flag, no copyright
        header[7] = 0x80; // PTS only
        header[8] = 5;
        WriteTimestamp(header[9..], 0x2, pts);

        var parts = new PesParts(header, aud, prefix, annexB);
        var pcr = (pts - TsLayout.PcrLead) & TsLayout.PtsMask;
        var first = true;
        while (parts.Remaining > 0)
        {
            var p = _packet.AsSpan();
            p[0] = TsLayout.SyncByte;
            p[1] = (byte)((first ? 0x40 : 0) | (TsLayout.VideoPid >> 8));
            p[2] = TsLayout.VideoPid & 0xFF;
            var adaptation = first ? 8 : 0; // length byte + flags + PCR (6)
            var room = TsLayout.PacketSize - 4 - adaptation;
            if (parts.Remaining < room)
            {
                // Stuff the last packet through the adaptation field.
                var stuffing = room - parts.Remaining;
                adaptation += stuffing;
                room = parts.Remaining;
            }
            p[3] = (byte)((adaptation > 0 ? 0x30 : 0x10) | _videoCounter);
            _videoCounter = (byte)((_videoCounter + 1) & 0x0F);
            var at = 4;
            if (adaptation > 0)
            {
                p[4] = (byte)(adaptation - 1);
                at = 5;
                if (adaptation > 1)
                {
                    byte flags = 0;
                    if (first && keyframe) flags |= 0x40; // random_access_indicator
                    if (first) flags |= 0x10; // PCR_flag
                    p[5] = flags;
                    at = 6;
                    if (first)
                    {
                        WritePcr(p[6..12], pcr);
                        at = 12;
                    }
                    p[at..(4 + adaptation)].Fill(0xFF);
                    at = 4 + adaptation;
                }
            }
            parts.CopyTo(p.Slice(at, room));
            output.Write(p);
            first = false;
        }
    }

    private ReadOnlySpan<byte> WithoutLeadingDelimiter(ReadOnlySpan<byte> annexB)
    {
        var units = NalUnits.Find(annexB);
        if (units.Count == 0 || units[0].Length == 0 || !NalUnits.IsDelimiter(codec, NalUnits.Type(codec, annexB[units[0].Offset]))) return annexB;
        return units.Count == 1 ? default : annexB[(units[1].Offset - 3)..];
    }

    private void WriteSection(Stream output, int pid, ref byte counter, ReadOnlySpan<byte> section)
    {
        var p = _packet.AsSpan();
        p.Fill(0xFF);
        p[0] = TsLayout.SyncByte;
        p[1] = (byte)(0x40 | (pid >> 8));
        p[2] = (byte)(pid & 0xFF);
        p[3] = (byte)(0x10 | counter);
        counter = (byte)((counter + 1) & 0x0F);
        p[4] = 0; // pointer_field
        section.CopyTo(p[5..]);
        var crc = Crc32Mpeg.Compute(section);
        var end = 5 + section.Length;
        p[end] = (byte)(crc >> 24);
        p[end + 1] = (byte)(crc >> 16);
        p[end + 2] = (byte)(crc >> 8);
        p[end + 3] = (byte)crc;
        output.Write(p);
    }

    private static void WriteTimestamp(Span<byte> target, int prefix, long ts)
    {
        target[0] = (byte)((prefix << 4) | (int)(((ts >> 30) & 0x07) << 1) | 1);
        target[1] = (byte)(ts >> 22);
        target[2] = (byte)((((ts >> 15) & 0x7F) << 1) | 1);
        target[3] = (byte)(ts >> 7);
        target[4] = (byte)(((ts & 0x7F) << 1) | 1);
    }

    private static void WritePcr(Span<byte> target, long base90k)
    {
        target[0] = (byte)(base90k >> 25);
        target[1] = (byte)(base90k >> 17);
        target[2] = (byte)(base90k >> 9);
        target[3] = (byte)(base90k >> 1);
        target[4] = (byte)(((base90k & 1) << 7) | 0x7E); // reserved bits, extension high bit 0
        target[5] = 0;
    }

    /// <summary>The PES as four consecutive pieces, copied out packet by packet without joining them first.</summary>
    private ref struct PesParts(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, ReadOnlySpan<byte> d)
    {
        private ReadOnlySpan<byte> _a = a;
        private ReadOnlySpan<byte> _b = b;
        private ReadOnlySpan<byte> _c = c;
        private ReadOnlySpan<byte> _d = d;

        public readonly int Remaining => _a.Length + _b.Length + _c.Length + _d.Length;

        public void CopyTo(Span<byte> target)
        {
            Take(ref _a, ref target);
            Take(ref _b, ref target);
            Take(ref _c, ref target);
            Take(ref _d, ref target);
        }

        private static void Take(ref ReadOnlySpan<byte> source, ref Span<byte> target)
        {
            var n = Math.Min(source.Length, target.Length);
            source[..n].CopyTo(target);
            source = source[n..];
            target = target[n..];
        }
    }
}
