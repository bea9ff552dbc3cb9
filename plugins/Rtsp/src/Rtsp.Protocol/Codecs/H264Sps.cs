namespace Appliance.Plugins.Rtsp.Protocol.Codecs;

/// <summary>H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1), as far as picture size and timing.</summary>
public static class H264Sps
{
    /// <summary>Parses an SPS NAL unit (with its one-byte NAL header). Null if it is not a valid SPS.</summary>
    public static VideoParameters? TryParse(ReadOnlySpan<byte> nal)
    {
        if (nal.Length < 4 || (nal[0] & 0x1F) != 7) return null;
        var r = new RbspBitReader(nal[1..]);
        var profile = (int)r.ReadBits(8);
        r.Skip(8); // constraint flags + reserved
        var level = (int)r.ReadBits(8);
        r.ReadUe(); // seq_parameter_set_id
        uint chromaFormat = 1;
        var separateColourPlane = false;
        if (profile is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135)
        {
            chromaFormat = r.ReadUe();
            if (chromaFormat > 3) return null;
            if (chromaFormat == 3) separateColourPlane = r.ReadBit() == 1;
            r.ReadUe(); // bit_depth_luma_minus8
            r.ReadUe(); // bit_depth_chroma_minus8
            r.ReadBit(); // qpprime_y_zero_transform_bypass_flag
            if (r.ReadBit() == 1)
            {
                var lists = chromaFormat == 3 ? 12 : 8;
                for (var i = 0; i < lists && !r.Overrun; i++)
                    if (r.ReadBit() == 1) SkipScalingList(ref r, i < 6 ? 16 : 64);
            }
        }
        r.ReadUe(); // log2_max_frame_num_minus4
        var pocType = r.ReadUe();
        if (pocType == 0) r.ReadUe();
        else if (pocType == 1)
        {
            r.ReadBit();
            r.ReadSe();
            r.ReadSe();
            var cycle = r.ReadUe();
            if (cycle > 255) return null;
            for (var i = 0; i < cycle && !r.Overrun; i++) r.ReadSe();
        }
        else if (pocType > 2) return null;
        r.ReadUe(); // max_num_ref_frames
        r.ReadBit(); // gaps_in_frame_num_value_allowed_flag
        var widthMbs = r.ReadUe() + 1;
        var heightMapUnits = r.ReadUe() + 1;
        var frameMbsOnly = r.ReadBit();
        if (frameMbsOnly == 0) r.ReadBit(); // mb_adaptive_frame_field_flag
        r.ReadBit(); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.ReadBit() == 1)
        {
            cropLeft = r.ReadUe();
            cropRight = r.ReadUe();
            cropTop = r.ReadUe();
            cropBottom = r.ReadUe();
        }
        if (r.Overrun || widthMbs > 1024 || heightMapUnits > 1024) return null;
        var chromaArrayType = separateColourPlane ? 0u : chromaFormat;
        var cropUnitX = chromaArrayType == 0 ? 1u : (chromaFormat == 3 ? 1u : 2u);
        var cropUnitY = (chromaArrayType == 0 ? 1u : (chromaFormat == 1 ? 2u : 1u)) * (2 - frameMbsOnly);
        var width = (long)widthMbs * 16 - cropUnitX * (cropLeft + cropRight);
        var height = (long)(2 - frameMbsOnly) * heightMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
        if (width <= 0 || height <= 0) return null;
        double? fps = null;
        if (r.ReadBit() == 1) fps = ReadVuiFrameRate(ref r);
        return new VideoParameters("H264", profile, level, (int)width, (int)height, r.Overrun ? null : fps);
    }

    private static void SkipScalingList(ref RbspBitReader r, int size)
    {
        int last = 8, next = 8;
        for (var j = 0; j < size && !r.Overrun; j++)
        {
            if (next != 0) next = (last + r.ReadSe() + 256) % 256;
            last = next == 0 ? last : next;
        }
    }

    private static double? ReadVuiFrameRate(ref RbspBitReader r)
    {
        if (r.ReadBit() == 1) // aspect_ratio_info_present_flag
        {
            if (r.ReadBits(8) == 255) r.Skip(32);
        }
        if (r.ReadBit() == 1) r.ReadBit(); // overscan
        if (r.ReadBit() == 1) // video_signal_type_present_flag
        {
            r.Skip(4);
            if (r.ReadBit() == 1) r.Skip(24);
        }
        if (r.ReadBit() == 1) { r.ReadUe(); r.ReadUe(); } // chroma_loc_info
        if (r.ReadBit() == 0) return null; // timing_info_present_flag
        var unitsInTick = r.ReadBits(32);
        var timeScale = r.ReadBits(32);
        if (unitsInTick == 0 || timeScale == 0) return null;
        return timeScale / (2.0 * unitsInTick);
    }
}
