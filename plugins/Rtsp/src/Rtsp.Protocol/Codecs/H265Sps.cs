namespace Appliance.Plugins.Rtsp.Protocol.Codecs;

/// <summary>H.265 sequence parameter set (ITU-T H.265 §7.3.2.2), as far as the picture size.</summary>
public static class H265Sps
{
    /// <summary>Parses an SPS NAL unit (with its two-byte NAL header). Null if it is not a valid SPS.</summary>
    public static VideoParameters? TryParse(ReadOnlySpan<byte> nal)
    {
        if (nal.Length < 6 || ((nal[0] >> 1) & 0x3F) != 33) return null;
        var r = new RbspBitReader(nal[2..]);
        r.Skip(4); // sps_video_parameter_set_id
        var maxSubLayersMinus1 = (int)r.ReadBits(3);
        r.ReadBit(); // temporal_id_nesting
        // profile_tier_level(1, maxSubLayersMinus1)
        r.Skip(2); // general_profile_space
        r.ReadBit(); // tier
        var profile = (int)r.ReadBits(5);
        r.Skip(32); // compatibility flags
        r.Skip(48); // progressive/interlaced/.../reserved
        var level = (int)r.ReadBits(8);
        var subProfile = new bool[8];
        var subLevel = new bool[8];
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            subProfile[i] = r.ReadBit() == 1;
            subLevel[i] = r.ReadBit() == 1;
        }
        if (maxSubLayersMinus1 > 0)
            for (var i = maxSubLayersMinus1; i < 8; i++) r.Skip(2);
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            if (subProfile[i]) r.Skip(88);
            if (subLevel[i]) r.Skip(8);
        }
        r.ReadUe(); // sps_seq_parameter_set_id
        var chromaFormat = r.ReadUe();
        if (chromaFormat > 3) return null;
        if (chromaFormat == 3) r.ReadBit();
        var width = r.ReadUe();
        var height = r.ReadUe();
        if (r.ReadBit() == 1)
        {
            var subW = chromaFormat is 1 or 2 ? 2u : 1u;
            var subH = chromaFormat == 1 ? 2u : 1u;
            var left = r.ReadUe();
            var right = r.ReadUe();
            var top = r.ReadUe();
            var bottom = r.ReadUe();
            width -= subW * (left + right);
            height -= subH * (top + bottom);
        }
        if (r.Overrun || width is 0 or > 16384 || height is 0 or > 16384) return null;
        return new VideoParameters("H265", profile, level, (int)width, (int)height, null);
    }
}
