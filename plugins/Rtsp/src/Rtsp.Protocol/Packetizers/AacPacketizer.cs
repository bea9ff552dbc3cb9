namespace Appliance.Plugins.Rtsp.Protocol.Packetizers;

/// <summary>
/// MPEG-4 AAC in RTP, RFC 3640 mode AAC-hbr (sizelength 13, indexlength 3, indexdeltalength 3): one raw AAC frame
/// per packet behind a 16-bit AU-headers-length and one AU-header (§3.2.1); a frame larger than a packet is
/// fragmented with the same AU-header in every fragment (§3.2.3). Marker on the last packet of the frame.
/// </summary>
public sealed class AacPacketizer(byte payloadType, uint ssrc, ushort firstSequence, int maxPacketSize = 1400)
    : RtpPacketizer(payloadType, ssrc, firstSequence, maxPacketSize)
{
    /// <summary>Largest frame the 13-bit size field can describe.</summary>
    public const int MaxFrameSize = (1 << 13) - 1;

    /// <summary>The fmtp of this packetization (add <c>config=</c> with the AudioSpecificConfig).</summary>
    public const string FmtpMode = "streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3";

    public override void Packetize(ReadOnlySpan<byte> unit, uint rtpTimestamp, IRtpPacketSink sink)
    {
        if (unit.IsEmpty || unit.Length > MaxFrameSize) return;
        var payload = PayloadArea[..MaxPayloadSize];
        var rest = unit;
        while (!rest.IsEmpty)
        {
            payload[0] = 0;
            payload[1] = 16; // one 16-bit AU-header
            payload[2] = (byte)(unit.Length >> 5);
            payload[3] = (byte)((unit.Length & 0x1F) << 3); // AU-Index 0
            var take = Math.Min(rest.Length, payload.Length - 4);
            rest[..take].CopyTo(payload[4..]);
            rest = rest[take..];
            Emit(4 + take, rest.IsEmpty, rtpTimestamp, sink);
        }
    }
}
