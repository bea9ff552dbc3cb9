using System.Buffers.Binary;
using System.Security.Cryptography;
using Appliance.Abstractions;

namespace Appliance.Plugins.WebRtc.Protocol.Srtp;

/// <summary>
/// One direction of SRTP/SRTCP (RFC 3711; AEAD-GCM per RFC 7714) for one master key: protects what we send, or
/// unprotects what we receive. Packets are transformed in place in a buffer with room for the trailer
/// (<see cref="MaxOverhead"/> bytes). Unprotect never throws: a short packet, a bad tag or a replay is a
/// <see cref="Failure"/> and the caller drops the packet. Not thread-safe: one sender or one receive loop owns it.
/// </summary>
public sealed class SrtpSession : IDisposable
{
    /// <summary>Most bytes protect adds: a 16-byte GCM tag plus the 4-byte SRTCP index.</summary>
    public const int MaxOverhead = 20;

    private readonly SrtpProfile _profile;
    private readonly AesCounterMode? _rtpCtr;
    private readonly AesCounterMode? _rtcpCtr;
    private readonly AesGcm? _rtpGcm;
    private readonly AesGcm? _rtcpGcm;
    private readonly byte[] _rtpAuthKey = [];
    private readonly byte[] _rtcpAuthKey = [];
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;
    private readonly Dictionary<uint, RtpIndexState> _rtpStates = new();
    private readonly Dictionary<uint, ReplayWindow> _rtcpReplay = new();
    private readonly byte[] _hmacOut = new byte[20];
    private readonly IncrementalHash? _rtpHmac;
    private readonly IncrementalHash? _rtcpHmac;
    private uint _rtcpIndex;

    public SrtpSession(SrtpMasterKey master)
    {
        _profile = master.Profile;
        var key = master.Key;
        var salt = master.Salt;
        var saltLength = _profile.MasterSaltLength();
        _rtpSalt = SrtpKeyDerivation.Derive(key, salt, SrtpKeyDerivation.RtpSalt, saltLength);
        _rtcpSalt = SrtpKeyDerivation.Derive(key, salt, SrtpKeyDerivation.RtcpSalt, saltLength);
        var rtpKey = SrtpKeyDerivation.Derive(key, salt, SrtpKeyDerivation.RtpEncryption, 16);
        var rtcpKey = SrtpKeyDerivation.Derive(key, salt, SrtpKeyDerivation.RtcpEncryption, 16);
        if (_profile == SrtpProfile.AeadAes128Gcm)
        {
            _rtpGcm = new AesGcm(rtpKey, 16);
            _rtcpGcm = new AesGcm(rtcpKey, 16);
        }
        else
        {
            _rtpCtr = new AesCounterMode(rtpKey);
            _rtcpCtr = new AesCounterMode(rtcpKey);
            _rtpAuthKey = SrtpKeyDerivation.Derive(key, salt, SrtpKeyDerivation.RtpAuthentication, 20);
            _rtcpAuthKey = SrtpKeyDerivation.Derive(key, salt, SrtpKeyDerivation.RtcpAuthentication, 20);
            _rtpHmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, _rtpAuthKey);
            _rtcpHmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, _rtcpAuthKey);
        }
    }

    public SrtpProfile Profile => _profile;

    private int RtpTagLength => _profile == SrtpProfile.AeadAes128Gcm ? 16 : 10;

    /// <summary>Encrypts and authenticates the RTP packet in <paramref name="buffer"/>[..length]; returns the new length.</summary>
    public int ProtectRtp(Span<byte> buffer, int length)
    {
        var headerLength = RtpHeaderLength(buffer[..length]);
        if (headerLength < 0) throw new ArgumentException("not an RTP packet", nameof(buffer));
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        var seq = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        if (!_rtpStates.TryGetValue(ssrc, out var state)) state = new RtpIndexState(seq, 0);
        var roc = state.Roc;
        if (seq < state.LastSeq && state.LastSeq - seq > 0x8000) roc++;
        if (seq > state.LastSeq || roc != state.Roc) _rtpStates[ssrc] = new RtpIndexState(seq, roc);
        else _rtpStates[ssrc] = state;
        return SealRtp(buffer, length, headerLength, ssrc, roc, seq);
    }

    /// <summary>Re-protects a packet kept in clear (a NACK retransmission) with the rollover counter it was first sent under.</summary>
    public int ProtectRtpWithRoc(Span<byte> buffer, int length, uint roc)
    {
        var headerLength = RtpHeaderLength(buffer[..length]);
        if (headerLength < 0) throw new ArgumentException("not an RTP packet", nameof(buffer));
        return SealRtp(buffer, length, headerLength, BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]), roc, BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]));
    }

    /// <summary>The rollover counter the next packet with <paramref name="ssrc"/> and <paramref name="seq"/> would get.</summary>
    public uint RolloverCounterOf(uint ssrc) => _rtpStates.TryGetValue(ssrc, out var s) ? s.Roc : 0;

    private int SealRtp(Span<byte> buffer, int length, int headerLength, uint ssrc, uint roc, ushort seq)
    {
        if (_rtpGcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
            BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], roc);
            BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], seq);
            for (var i = 0; i < 12; i++) nonce[i] ^= _rtpSalt[i];
            var payload = buffer[headerLength..length];
            _rtpGcm.Encrypt(nonce, payload, payload, buffer.Slice(length, 16), buffer[..headerLength]);
            return length + 16;
        }
        Span<byte> iv = stackalloc byte[16];
        CounterIv(iv, _rtpSalt, ssrc, ((ulong)roc << 16) | seq);
        _rtpCtr!.Transform(iv, buffer[headerLength..length]);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], roc);
        _rtpHmac!.AppendData(buffer[..(length + 4)]);
        _rtpHmac.GetHashAndReset(_hmacOut);
        _hmacOut.AsSpan(0, 10).CopyTo(buffer[length..]);
        return length + 10;
    }

    /// <summary>Checks and decrypts an SRTP packet in place; returns the plain length.</summary>
    public Result<int> UnprotectRtp(Span<byte> buffer, int length)
    {
        var headerLength = RtpHeaderLength(buffer[..length]);
        if (headerLength < 0 || length < headerLength + RtpTagLength) return Result<int>.Fail("malformed", "SRTP: too short");
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        var seq = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        var roc = 0u;
        if (_rtpStates.TryGetValue(ssrc, out var state))
        {
            roc = state.Roc;
            var diff = seq - state.LastSeq;
            if (diff < -0x8000) roc++;
            else if (diff > 0x8000 && roc > 0) roc--;
        }
        var plainLength = length - RtpTagLength;
        if (_rtpGcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
            BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], roc);
            BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], seq);
            for (var i = 0; i < 12; i++) nonce[i] ^= _rtpSalt[i];
            var payload = buffer[headerLength..plainLength];
            try
            {
                _rtpGcm.Decrypt(nonce, payload, buffer.Slice(plainLength, 16), payload, buffer[..headerLength]);
            }
            catch (AuthenticationTagMismatchException)
            {
                return Result<int>.Fail("bad-auth", "SRTP: authentication tag does not match");
            }
        }
        else
        {
            Span<byte> tag = stackalloc byte[10];
            buffer.Slice(plainLength, 10).CopyTo(tag);
            var scratch = new byte[plainLength + 4];
            buffer[..plainLength].CopyTo(scratch);
            BinaryPrimitives.WriteUInt32BigEndian(scratch.AsSpan(plainLength), roc);
            var mac = HMACSHA1.HashData(_rtpAuthKey, scratch);
            if (!CryptographicOperations.FixedTimeEquals(mac.AsSpan(0, 10), tag)) return Result<int>.Fail("bad-auth", "SRTP: authentication tag does not match");
            Span<byte> iv = stackalloc byte[16];
            CounterIv(iv, _rtpSalt, ssrc, ((ulong)roc << 16) | seq);
            _rtpCtr!.Transform(iv, buffer[headerLength..plainLength]);
        }
        if (!_rtpStates.TryGetValue(ssrc, out var before) || roc > before.Roc || (roc == before.Roc && seq > before.LastSeq))
            _rtpStates[ssrc] = new RtpIndexState(seq, roc);
        return plainLength;
    }

    /// <summary>Encrypts and authenticates a (compound) RTCP packet in place; returns the new length.</summary>
    public int ProtectRtcp(Span<byte> buffer, int length)
    {
        if (length < 8) throw new ArgumentException("RTCP shorter than 8 bytes", nameof(buffer));
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        var index = _rtcpIndex++ & 0x7FFFFFFF;
        var eIndex = 0x80000000u | index;
        if (_rtcpGcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
            BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], index);
            for (var i = 0; i < 12; i++) nonce[i] ^= _rtcpSalt[i];
            Span<byte> aad = stackalloc byte[12];
            buffer[..8].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[8..], eIndex);
            var payload = buffer[8..length];
            _rtcpGcm.Encrypt(nonce, payload, payload, buffer.Slice(length, 16), aad);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(length + 16)..], eIndex);
            return length + 20;
        }
        Span<byte> iv = stackalloc byte[16];
        CounterIv(iv, _rtcpSalt, ssrc, index);
        _rtcpCtr!.Transform(iv, buffer[8..length]);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], eIndex);
        _rtcpHmac!.AppendData(buffer[..(length + 4)]);
        _rtcpHmac.GetHashAndReset(_hmacOut);
        _hmacOut.AsSpan(0, 10).CopyTo(buffer[(length + 4)..]);
        return length + 14;
    }

    /// <summary>Checks, replay-filters and decrypts an SRTCP packet in place; returns the plain length.</summary>
    public Result<int> UnprotectRtcp(Span<byte> buffer, int length)
    {
        var trailer = _rtcpGcm is not null ? 20 : 14;
        if (length < 8 + trailer) return Result<int>.Fail("malformed", "SRTCP: too short");
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        uint eIndex;
        int plainLength;
        if (_rtcpGcm is not null)
        {
            plainLength = length - 20;
            eIndex = BinaryPrimitives.ReadUInt32BigEndian(buffer[(length - 4)..]);
        }
        else
        {
            plainLength = length - 14;
            eIndex = BinaryPrimitives.ReadUInt32BigEndian(buffer[plainLength..]);
        }
        var index = eIndex & 0x7FFFFFFF;
        if (!_rtcpReplay.TryGetValue(ssrc, out var replay)) replay = new ReplayWindow();
        if (!replay.MayAccept(index)) return Result<int>.Fail("replay", $"SRTCP: index {index} replayed or too old");
        var encrypted = (eIndex & 0x80000000) != 0;
        if (_rtcpGcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
            BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], index);
            for (var i = 0; i < 12; i++) nonce[i] ^= _rtcpSalt[i];
            Span<byte> aad = stackalloc byte[12];
            buffer[..8].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[8..], eIndex);
            if (!encrypted) return Result<int>.Fail("unsupported", "SRTCP: unencrypted GCM packets are not accepted");
            var payload = buffer[8..plainLength];
            try
            {
                _rtcpGcm.Decrypt(nonce, payload, buffer.Slice(plainLength, 16), payload, aad);
            }
            catch (AuthenticationTagMismatchException)
            {
                return Result<int>.Fail("bad-auth", "SRTCP: authentication tag does not match");
            }
        }
        else
        {
            var mac = HMACSHA1.HashData(_rtcpAuthKey, buffer[..(plainLength + 4)]);
            if (!CryptographicOperations.FixedTimeEquals(mac.AsSpan(0, 10), buffer.Slice(plainLength + 4, 10)))
                return Result<int>.Fail("bad-auth", "SRTCP: authentication tag does not match");
            if (encrypted)
            {
                Span<byte> iv = stackalloc byte[16];
                CounterIv(iv, _rtcpSalt, ssrc, index);
                _rtcpCtr!.Transform(iv, buffer[8..plainLength]);
            }
        }
        replay.Accept(index);
        _rtcpReplay[ssrc] = replay;
        return plainLength;
    }

    /// <summary>Length of the fixed header, CSRCs and extension, or -1 when the packet is not RTP version 2 or is truncated.</summary>
    internal static int RtpHeaderLength(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 12 || packet[0] >> 6 != 2) return -1;
        var length = 12 + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4) return -1;
            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]);
        }
        return length <= packet.Length ? length : -1;
    }

    /// <summary>AES-CM IV (RFC 3711 4.1.1): salt * 2^16 XOR SSRC * 2^64 XOR index * 2^16.</summary>
    private static void CounterIv(Span<byte> iv, ReadOnlySpan<byte> salt, uint ssrc, ulong index)
    {
        iv.Clear();
        salt.CopyTo(iv);
        Span<byte> s = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(s, ssrc);
        for (var i = 0; i < 4; i++) iv[4 + i] ^= s[i];
        Span<byte> x = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(x, index);
        for (var i = 0; i < 6; i++) iv[8 + i] ^= x[2 + i];
    }

    public void Dispose()
    {
        _rtpCtr?.Dispose();
        _rtcpCtr?.Dispose();
        _rtpGcm?.Dispose();
        _rtcpGcm?.Dispose();
        _rtpHmac?.Dispose();
        _rtcpHmac?.Dispose();
    }

    private readonly record struct RtpIndexState(ushort LastSeq, uint Roc);

    /// <summary>64-entry sliding replay window (RFC 3711 3.3.2).</summary>
    private struct ReplayWindow
    {
        private bool _started;
        private uint _highest;
        private ulong _mask;

        public readonly bool MayAccept(uint index)
        {
            if (!_started || index > _highest) return true;
            var delta = _highest - index;
            return delta < 64 && (_mask & (1UL << (int)delta)) == 0;
        }

        public void Accept(uint index)
        {
            if (!_started)
            {
                _started = true;
                _highest = index;
                _mask = 1;
                return;
            }
            if (index > _highest)
            {
                var shift = index - _highest;
                _mask = shift >= 64 ? 1 : (_mask << (int)shift) | 1;
                _highest = index;
            }
            else
            {
                _mask |= 1UL << (int)(_highest - index);
            }
        }
    }
}
