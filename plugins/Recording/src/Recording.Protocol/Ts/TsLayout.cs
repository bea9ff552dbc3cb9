namespace Appliance.Plugins.Recording.Protocol.Ts;

/// <summary>The fixed layout of the recorder's transport streams: one program, one video elementary stream.</summary>
public static class TsLayout
{
    public const int PacketSize = 188;
    public const byte SyncByte = 0x47;
    public const int PatPid = 0x0000;
    public const int PmtPid = 0x1000;
    public const int VideoPid = 0x0100;
    public const int ProgramNumber = 1;

    /// <summary>PTS and PCR are 33-bit counters of a 90 kHz clock.</summary>
    public const long PtsMask = (1L << 33) - 1;

    /// <summary>Added to every PTS so that the PCR, which runs <see cref="PcrLead"/> ahead, is never negative.</summary>
    public const long PtsOffset = 90_000;

    /// <summary>The PCR runs this far (90 kHz ticks, 100 ms) ahead of the PTS of the frame it is sent with.</summary>
    public const long PcrLead = 9_000;

    /// <summary>The PTS written into the stream for a unit's 90 kHz timestamp (offset, then 33 bits).</summary>
    public static long StreamPts(long pts90k) => (pts90k + PtsOffset) & PtsMask;

    /// <summary>Ticks of <paramref name="a"/> after <paramref name="b"/> on the 33-bit wrapping clock (negative when before, within half the range).</summary>
    public static long Difference(long a, long b)
    {
        var d = (a - b) & PtsMask;
        return d >= 1L << 32 ? d - (1L << 33) : d;
    }
}
