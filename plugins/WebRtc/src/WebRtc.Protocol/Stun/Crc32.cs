namespace Appliance.Plugins.WebRtc.Protocol.Stun;

/// <summary>CRC-32 (ISO 3309 / ITU-T V.42, the polynomial STUN's FINGERPRINT uses), bitwise with a fixed table.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>CRC-32 of <paramref name="data"/>; when <paramref name="patchedLength"/> is given, bytes 2..3 (the
    /// STUN length field) are taken as that value instead, as the FINGERPRINT and MESSAGE-INTEGRITY rules require.</summary>
    public static uint Compute(ReadOnlySpan<byte> data, ushort? patchedLength = null)
    {
        var crc = 0xFFFFFFFFu;
        for (var i = 0; i < data.Length; i++)
        {
            var b = data[i];
            if (patchedLength is { } len && i is 2 or 3) b = i == 2 ? (byte)(len >> 8) : (byte)len;
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
