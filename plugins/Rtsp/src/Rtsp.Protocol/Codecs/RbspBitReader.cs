namespace Appliance.Plugins.Rtsp.Protocol.Codecs;

/// <summary>
/// Reads bits and Exp-Golomb codes (H.264 §9.1) from a NAL unit's payload, skipping emulation-prevention bytes
/// (00 00 03). Running past the end sets <see cref="Overrun"/> instead of throwing.
/// </summary>
internal ref struct RbspBitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _byte;
    private int _bit;
    private int _zeros;

    public bool Overrun { get; private set; }

    public uint ReadBit()
    {
        if (_bit == 0)
        {
            if (_byte >= _data.Length) { Overrun = true; return 0; }
            // An emulation-prevention byte follows two zero bytes; drop it.
            if (_zeros >= 2 && _data[_byte] == 3)
            {
                _byte++;
                _zeros = 0;
                if (_byte >= _data.Length) { Overrun = true; return 0; }
            }
        }
        var value = (uint)(_data[_byte] >> (7 - _bit)) & 1;
        if (++_bit == 8)
        {
            _zeros = _data[_byte] == 0 ? _zeros + 1 : 0;
            _bit = 0;
            _byte++;
        }
        return value;
    }

    public uint ReadBits(int count)
    {
        uint value = 0;
        for (var i = 0; i < count; i++) value = (value << 1) | ReadBit();
        return value;
    }

    public void Skip(int count)
    {
        for (var i = 0; i < count && !Overrun; i++) ReadBit();
    }

    /// <summary>ue(v); values past 2^31 are treated as an overrun (no real header field is that large).</summary>
    public uint ReadUe()
    {
        var zeros = 0;
        while (ReadBit() == 0)
        {
            if (Overrun || ++zeros > 31) { Overrun = true; return 0; }
        }
        if (zeros == 0) return 0;
        return ((1u << zeros) - 1) + ReadBits(zeros);
    }

    public int ReadSe()
    {
        var k = ReadUe();
        return (k & 1) == 1 ? (int)((k + 1) / 2) : -(int)(k / 2);
    }
}
