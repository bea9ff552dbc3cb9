namespace Appliance.Plugins.Recording.Protocol.Mp4;

/// <summary>
/// What the movie header of a one-track H.264 MP4 says: picture size, parameter sets (for the avcC box), and the
/// sample table in decode order (90 kHz durations, sizes, keyframes). All samples sit in one chunk, in one mdat.
/// </summary>
internal sealed class Mp4Movie(int width, int height, byte[] sps, byte[] pps)
{
    public const uint Timescale = 90_000;

    public List<uint> Durations { get; } = [];

    public List<uint> Sizes { get; } = [];

    /// <summary>1-based numbers of the keyframe samples (stss).</summary>
    public List<uint> SyncSamples { get; } = [];

    public ulong Duration => Durations.Aggregate(0UL, (sum, d) => sum + d);

    public long MediaBytes => Sizes.Sum(s => (long)s);

    /// <summary>ftyp: ISO base media, with H.264 ('avc1') and MP4 v1 brands.</summary>
    public static byte[] FileType() =>
        new BoxWriter().Open("ftyp").Ascii("isom").U32(0x200).Ascii("isom").Ascii("iso2").Ascii("avc1").Ascii("mp41").Close().ToArray();

    /// <summary>The moov box, its one chunk starting at <paramref name="chunkOffset"/> in the file.</summary>
    public byte[] Header(long chunkOffset, bool largeOffsets)
    {
        var duration = Duration;
        var movieDuration = duration * 1000 / Timescale; // mvhd and tkhd count in milliseconds
        var w = new BoxWriter();
        w.Open("moov");

        var v1 = movieDuration > uint.MaxValue || duration > uint.MaxValue;
        w.OpenFull("mvhd", v1 ? (byte)1 : (byte)0, 0);
        Times(w, v1).U32(1000);
        Length(w, v1, movieDuration);
        w.U32(0x00010000).U16(0x0100).Zeros(2 + 8).UnityMatrix().Zeros(24).U32(2).Close();

        w.Open("trak");
        w.OpenFull("tkhd", v1 ? (byte)1 : (byte)0, 0x000003); // enabled, in the movie
        Times(w, v1).U32(1).U32(0);
        Length(w, v1, movieDuration);
        w.Zeros(8).U16(0).U16(0).U16(0).U16(0).UnityMatrix().U32((uint)width << 16).U32((uint)height << 16).Close();

        w.Open("mdia");
        w.OpenFull("mdhd", v1 ? (byte)1 : (byte)0, 0);
        Times(w, v1).U32(Timescale);
        Length(w, v1, duration);
        w.U16(0x55C4).U16(0).Close(); // language 'und'
        w.OpenFull("hdlr", 0, 0).U32(0).Ascii("vide").Zeros(12).Ascii("VideoHandler").U8(0).Close();

        w.Open("minf");
        w.OpenFull("vmhd", 0, 1).U16(0).Zeros(6).Close();
        w.Open("dinf").OpenFull("dref", 0, 0).U32(1).OpenFull("url ", 0, 1).Close().Close().Close();
        SampleTable(w, chunkOffset, largeOffsets);
        w.Close(); // minf
        w.Close(); // mdia
        w.Close(); // trak
        w.Close(); // moov
        return w.ToArray();
    }

    private void SampleTable(BoxWriter w, long chunkOffset, bool largeOffsets)
    {
        w.Open("stbl");
        w.OpenFull("stsd", 0, 0).U32(1);
        w.Open("avc1").Zeros(6).U16(1).Zeros(16).U16((ushort)width).U16((ushort)height)
            .U32(0x00480000).U32(0x00480000).U32(0).U16(1).Zeros(32).U16(0x0018).U16(0xFFFF);
        // AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1): profile, compatibility and level from the SPS,
        // 4-byte NAL lengths, one SPS and one PPS.
        w.Open("avcC").U8(1).U8(sps[1]).U8(sps[2]).U8(sps[3]).U8(0xFF)
            .U8(0xE1).U16((ushort)sps.Length).Bytes(sps)
            .U8(1).U16((ushort)pps.Length).Bytes(pps).Close();
        w.Close(); // avc1
        w.Close(); // stsd

        var runs = new List<(uint Count, uint Delta)>();
        foreach (var d in Durations)
        {
            if (runs.Count > 0 && runs[^1].Delta == d) runs[^1] = (runs[^1].Count + 1, d);
            else runs.Add((1, d));
        }
        w.OpenFull("stts", 0, 0).U32((uint)runs.Count);
        foreach (var (count, delta) in runs) w.U32(count).U32(delta);
        w.Close();

        w.OpenFull("stss", 0, 0).U32((uint)SyncSamples.Count);
        foreach (var s in SyncSamples) w.U32(s);
        w.Close();

        w.OpenFull("stsc", 0, 0).U32(1).U32(1).U32((uint)Sizes.Count).U32(1).Close();

        w.OpenFull("stsz", 0, 0).U32(0).U32((uint)Sizes.Count);
        foreach (var s in Sizes) w.U32(s);
        w.Close();

        if (largeOffsets) w.OpenFull("co64", 0, 0).U32(1).U64((ulong)chunkOffset).Close();
        else w.OpenFull("stco", 0, 0).U32(1).U32((uint)chunkOffset).Close();
        w.Close(); // stbl
    }

    private static BoxWriter Times(BoxWriter w, bool v1) => v1 ? w.U64(0).U64(0) : w.U32(0).U32(0);

    private static BoxWriter Length(BoxWriter w, bool v1, ulong value) => v1 ? w.U64(value) : w.U32((uint)value);
}
