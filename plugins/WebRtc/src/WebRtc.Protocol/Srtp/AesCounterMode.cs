using System.Security.Cryptography;

namespace Appliance.Plugins.WebRtc.Protocol.Srtp;

/// <summary>
/// AES in counter mode as SRTP uses it (RFC 3711 4.1.1): 128-bit blocks IV, IV+1, ... (the low 16 bits count
/// blocks) encrypted with AES-ECB and XORed into the data. Owns one <see cref="Aes"/> and a scratch buffer:
/// not thread-safe.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private byte[] _counters = new byte[2048];
    private byte[] _stream = new byte[2048];

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        // One reusable transform: a one-shot call would set up a cipher context per packet.
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>XORs the keystream starting at <paramref name="iv"/> (16 bytes) into <paramref name="data"/>.</summary>
    public void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        var blocks = (data.Length + 15) / 16;
        var bytes = blocks * 16;
        if (_counters.Length < bytes)
        {
            _counters = new byte[bytes];
            _stream = new byte[bytes];
        }
        var counters = _counters.AsSpan(0, bytes);
        for (var b = 0; b < blocks; b++)
        {
            var block = counters.Slice(b * 16, 16);
            iv.CopyTo(block);
            // Add b to the 128-bit big-endian counter (carry through the low bytes; 2^16 blocks is the SRTP maximum).
            var carry = b;
            for (var i = 15; i >= 0 && carry != 0; i--)
            {
                var sum = block[i] + (carry & 0xFF);
                block[i] = (byte)sum;
                carry = (carry >> 8) + (sum >> 8);
            }
        }
        var stream = _stream.AsSpan(0, bytes);
        _ecb.TransformBlock(_counters, 0, bytes, _stream, 0);
        for (var i = 0; i < data.Length; i++) data[i] ^= stream[i];
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
    }
}
