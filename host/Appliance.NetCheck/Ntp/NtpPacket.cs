using System.Buffers.Binary;
using System.Text;

namespace Appliance.NetCheck.Ntp;

public enum NtpMode
{
    Reserved = 0,
    SymmetricActive = 1,
    SymmetricPassive = 2,
    Client = 3,
    Server = 4,
    Broadcast = 5,
    Control = 6,
    Private = 7,
}

/// <summary>
/// The 48-byte NTP header (RFC 5905 section 7.3). Extension fields and a MAC may follow; they are accepted and
/// ignored up to <see cref="MaxPacketLength"/> bytes.
/// </summary>
public sealed record NtpPacket(
    int LeapIndicator,
    int Version,
    NtpMode Mode,
    int Stratum,
    int Poll,
    int Precision,
    uint RootDelay,
    uint RootDispersion,
    uint ReferenceId,
    NtpTimestamp ReferenceTimestamp,
    NtpTimestamp OriginTimestamp,
    NtpTimestamp ReceiveTimestamp,
    NtpTimestamp TransmitTimestamp)
{
    public const int HeaderLength = 48;
    public const int MaxPacketLength = 1024;

    /// <summary>An SNTP client request: version 4, mode 3, everything zero but the transmit timestamp.</summary>
    public static NtpPacket ClientRequest(NtpTimestamp transmit)
        => new(0, 4, NtpMode.Client, 0, 0, 0, 0, 0, 0, default, default, default, transmit);

    /// <summary>For stratum 0 (Kiss-o'-Death) the reference id is a four-letter ASCII code (RFC 5905 section 7.4).</summary>
    public string KissCode => Encoding.ASCII.GetString(BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(ReferenceId)))
        .TrimEnd('\0');

    public byte[] Encode()
    {
        var buffer = new byte[HeaderLength];
        var span = buffer.AsSpan();
        span[0] = (byte)(((LeapIndicator & 0x3) << 6) | ((Version & 0x7) << 3) | ((int)Mode & 0x7));
        span[1] = (byte)Stratum;
        span[2] = (byte)(sbyte)Poll;
        span[3] = (byte)(sbyte)Precision;
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], RootDelay);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], RootDispersion);
        BinaryPrimitives.WriteUInt32BigEndian(span[12..], ReferenceId);
        ReferenceTimestamp.Write(span[16..]);
        OriginTimestamp.Write(span[24..]);
        ReceiveTimestamp.Write(span[32..]);
        TransmitTimestamp.Write(span[40..]);
        return buffer;
    }

    /// <summary>Parses a packet; fails with <c>malformed</c> (truncated, too long, odd length) or <c>unsupported</c> (version).</summary>
    public static Result<NtpPacket> Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderLength)
        {
            return Result<NtpPacket>.Fail("malformed", $"truncated NTP packet: {data.Length} bytes, the header is {HeaderLength}");
        }

        if (data.Length > MaxPacketLength)
        {
            return Result<NtpPacket>.Fail("malformed", $"NTP packet of {data.Length} bytes exceeds the {MaxPacketLength}-byte limit");
        }

        if ((data.Length - HeaderLength) % 4 != 0)
        {
            return Result<NtpPacket>.Fail("malformed", $"NTP packet length {data.Length} is not the 48-byte header plus 32-bit words");
        }

        var version = (data[0] >> 3) & 0x7;
        if (version is < 1 or > 4)
        {
            return Result<NtpPacket>.Fail("unsupported", $"unsupported NTP version {version}");
        }

        return new NtpPacket(
            data[0] >> 6,
            version,
            (NtpMode)(data[0] & 0x7),
            data[1],
            (sbyte)data[2],
            (sbyte)data[3],
            BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[12..]),
            NtpTimestamp.Read(data[16..]),
            NtpTimestamp.Read(data[24..]),
            NtpTimestamp.Read(data[32..]),
            NtpTimestamp.Read(data[40..]));
    }
}
