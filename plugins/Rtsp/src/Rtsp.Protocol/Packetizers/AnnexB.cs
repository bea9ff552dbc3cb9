namespace Appliance.Plugins.Rtsp.Protocol.Packetizers;

/// <summary>Walks the NAL units of an Annex-B byte stream (3- or 4-byte start codes), without copying.</summary>
public ref struct AnnexBReader
{
    private ReadOnlySpan<byte> _rest;

    public AnnexBReader(ReadOnlySpan<byte> stream)
    {
        var start = FindStartCode(stream, 0, out var codeLength);
        // Bytes before the first start code (or a unit without any) are taken as a NAL unit of their own.
        _rest = start == 0 ? stream[codeLength..] : stream;
    }

    /// <summary>The next NAL unit (without start code and trailing zero bytes); false at the end.</summary>
    public bool TryNext(out ReadOnlySpan<byte> nal)
    {
        while (!_rest.IsEmpty)
        {
            var next = FindStartCode(_rest, 0, out var codeLength);
            if (next < 0)
            {
                nal = TrimTrailingZeros(_rest);
                _rest = default;
            }
            else
            {
                nal = TrimTrailingZeros(_rest[..next]);
                _rest = _rest[(next + codeLength)..];
            }
            if (!nal.IsEmpty) return true;
        }
        nal = default;
        return false;
    }

    /// <summary>Index of the first 00 00 01 (or 00 00 00 01) at or after <paramref name="from"/>, or -1.</summary>
    private static int FindStartCode(ReadOnlySpan<byte> data, int from, out int codeLength)
    {
        for (var i = from; i + 2 < data.Length; i++)
        {
            var k = data[(i + 2)..].IndexOf((byte)1);
            if (k < 0) break;
            i += k; // data[i + 2] == 1
            if (data[i] == 0 && data[i + 1] == 0)
            {
                if (i > 0 && data[i - 1] == 0)
                {
                    codeLength = 4;
                    return i - 1;
                }
                codeLength = 3;
                return i;
            }
        }
        codeLength = 0;
        return -1;
    }

    private static ReadOnlySpan<byte> TrimTrailingZeros(ReadOnlySpan<byte> nal)
    {
        var end = nal.Length;
        while (end > 0 && nal[end - 1] == 0) end--;
        return nal[..end];
    }
}
