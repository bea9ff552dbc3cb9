using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Rtp;

namespace Appliance.Plugins.Rtsp.Protocol.Depacketizers;

/// <summary>G.711 µ-law / A-law (RFC 3551 §4.5.14): every packet's payload is passed through as one unit.</summary>
public sealed class G711Depacketizer(int track, AccessUnitPool units, IAccessUnitSink sink) : RtpDepacketizer(track, units, sink)
{
    public override void Push(in RtpPacket packet, long timestamp)
    {
        Counters.Packets++;
        if (packet.Payload.IsEmpty)
        {
            Malformed("empty G.711 payload");
            return;
        }
        var unit = RentUnit(packet.Payload.Length, timestamp, true);
        unit.Append(packet.Payload);
        Emit(unit);
    }

    public override void OnLoss()
    {
    }

    public override void Reset()
    {
    }
}
