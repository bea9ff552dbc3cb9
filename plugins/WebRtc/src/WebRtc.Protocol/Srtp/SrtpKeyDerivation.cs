namespace Appliance.Plugins.WebRtc.Protocol.Srtp;

/// <summary>
/// The SRTP key derivation function (RFC 3711 section 4.3, key_derivation_rate 0), used by both the AES-CM and
/// the AEAD-GCM profiles (RFC 7714 section 11): session key, auth key and salt from the master key and salt.
/// </summary>
internal static class SrtpKeyDerivation
{
    public const byte RtpEncryption = 0x00;
    public const byte RtpAuthentication = 0x01;
    public const byte RtpSalt = 0x02;
    public const byte RtcpEncryption = 0x03;
    public const byte RtcpAuthentication = 0x04;
    public const byte RtcpSalt = 0x05;

    /// <summary><paramref name="length"/> bytes for <paramref name="label"/>: AES-CM(master key) over (label at byte 7 XOR master salt) * 2^16.</summary>
    public static byte[] Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, int length)
    {
        Span<byte> iv = stackalloc byte[16];
        masterSalt.CopyTo(iv);
        // key_id = label || r (48 bits, r = 0): the label lands at byte 7 of the 14-byte (112-bit) salt field.
        iv[7] ^= label;
        using var ctr = new AesCounterMode(masterKey);
        var output = new byte[length];
        ctr.Transform(iv, output);
        return output;
    }
}
