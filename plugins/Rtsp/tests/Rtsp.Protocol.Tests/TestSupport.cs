global using Appliance.Plugins.Rtsp.Tests.Shared;
global using Appliance.Testing;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Depacketizers;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

/// <summary>Collects emitted units as copies and releases them at once.</summary>
public sealed class CollectingSink : IAccessUnitSink
{
    public List<(long Timestamp, bool Key, bool AfterGap, byte[] Data)> Units { get; } = new();

    public void OnAccessUnit(AccessUnit unit)
    {
        Units.Add((unit.Timestamp, unit.IsKeyframe, unit.AfterGap, unit.Payload.ToArray()));
        unit.Release();
    }
}

public static class Annexb
{
    /// <summary>Splits Annex-B data (4-byte start codes as we write them) into NAL units.</summary>
    public static List<byte[]> Split(byte[] data)
    {
        var nals = new List<byte[]>();
        var starts = new List<int>();
        for (var i = 0; i + 3 < data.Length; i++)
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 0 && data[i + 3] == 1) starts.Add(i + 4);
        for (var k = 0; k < starts.Count; k++)
        {
            var end = k + 1 < starts.Count ? starts[k + 1] - 4 : data.Length;
            nals.Add(data[starts[k]..end]);
        }
        return nals;
    }
}
