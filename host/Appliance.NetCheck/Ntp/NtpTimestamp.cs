using System.Buffers.Binary;

namespace Appliance.NetCheck.Ntp;

/// <summary>
/// 64-bit NTP timestamp (RFC 5905 section 6): seconds since 1900-01-01 and a 32-bit fraction. Era is resolved by
/// the usual rule: a value with the top bit clear is taken to be in era 1 (after 2036-02-07), which keeps
/// 1968-2104 unambiguous.
/// </summary>
public readonly record struct NtpTimestamp(uint Seconds, uint Fraction)
{
    private static readonly DateTimeOffset Era0 = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Era1 = Era0.AddSeconds(4294967296d);

    public bool IsZero => Seconds == 0 && Fraction == 0;

    public static NtpTimestamp FromDateTimeOffset(DateTimeOffset time)
    {
        var era = time >= Era1 ? Era1 : Era0;
        var ticks = (time - era).Ticks;
        var seconds = (uint)(ticks / TimeSpan.TicksPerSecond);
        var fraction = (uint)(((ulong)(ticks % TimeSpan.TicksPerSecond) << 32) / TimeSpan.TicksPerSecond);
        return new NtpTimestamp(seconds, fraction);
    }

    public DateTimeOffset ToDateTimeOffset()
    {
        var era = (Seconds & 0x80000000) == 0 ? Era1 : Era0;
        var fractionTicks = (long)(((ulong)Fraction * TimeSpan.TicksPerSecond) >> 32);
        return era.AddTicks((Seconds * TimeSpan.TicksPerSecond) + fractionTicks);
    }

    public static NtpTimestamp Read(ReadOnlySpan<byte> source)
        => new(BinaryPrimitives.ReadUInt32BigEndian(source), BinaryPrimitives.ReadUInt32BigEndian(source[4..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Seconds);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Fraction);
    }
}
