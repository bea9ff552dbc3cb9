using System.Buffers.Binary;

namespace Appliance.Plugins.WebRtc.Protocol.Rtcp;

/// <summary>What a viewer asked for in one compound RTCP packet, and what it reported.</summary>
public sealed class RtcpFeedback
{
    public bool KeyframeRequested { get; set; }
    public List<ushort> Nacked { get; } = new();

    /// <summary>From a receiver report block about our SSRC: LSR and DLSR (RFC 3550 6.4.1), for round-trip time.</summary>
    public (uint LastSr, uint DelaySinceLastSr)? ReportBlock { get; set; }
    public byte? FractionLost { get; set; }
}

/// <summary>
/// Reads a decrypted compound RTCP packet for what a sender acts on: PLI (RFC 4585) and FIR (RFC 5104) ask for a
/// keyframe, generic NACK lists lost sequence numbers, receiver report blocks carry RTT data. Malformed packets
/// stop the walk; what was read so far is kept. Never throws.
/// </summary>
public static class RtcpFeedbackReader
{
    public const int MaxNacksPerPacket = 256;

    public static RtcpFeedback Read(ReadOnlySpan<byte> compound, uint ourSsrc)
    {
        var feedback = new RtcpFeedback();
        var offset = 0;
        while (offset + 4 <= compound.Length)
        {
            var p = compound[offset..];
            if (p[0] >> 6 != 2) break;
            var count = p[0] & 0x1F;
            var type = p[1];
            var length = (BinaryPrimitives.ReadUInt16BigEndian(p[2..]) + 1) * 4;
            if (length > p.Length) break;
            var packet = p[..length];
            switch (type)
            {
                case 201 or 200: // RR or SR: report blocks
                    var blocksAt = type == 201 ? 8 : 28;
                    for (var b = 0; b < count && blocksAt + (b + 1) * 24 <= packet.Length; b++)
                    {
                        var block = packet.Slice(blocksAt + b * 24, 24);
                        if (BinaryPrimitives.ReadUInt32BigEndian(block) != ourSsrc) continue;
                        feedback.FractionLost = block[4];
                        feedback.ReportBlock = (BinaryPrimitives.ReadUInt32BigEndian(block[16..]), BinaryPrimitives.ReadUInt32BigEndian(block[20..]));
                    }
                    break;
                case 205 when count == 1 && packet.Length >= 12: // generic NACK: FCI of PID + BLP
                    for (var f = 12; f + 4 <= packet.Length && feedback.Nacked.Count < MaxNacksPerPacket; f += 4)
                    {
                        var pid = BinaryPrimitives.ReadUInt16BigEndian(packet[f..]);
                        var blp = BinaryPrimitives.ReadUInt16BigEndian(packet[(f + 2)..]);
                        feedback.Nacked.Add(pid);
                        for (var bit = 0; bit < 16; bit++)
                            if ((blp & (1 << bit)) != 0) feedback.Nacked.Add((ushort)(pid + bit + 1));
                    }
                    break;
                case 206 when count is 1 or 4: // PLI or FIR
                    feedback.KeyframeRequested = true;
                    break;
            }
            offset += length;
        }
        return feedback;
    }
}
