using System.Buffers.Binary;
using System.Net;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Ntp;
using Appliance.NetCheck.Tests.Peers;
using Xunit;

namespace Appliance.NetCheck.Tests.Ntp;

public class NtpPacketTests
{
    // The hostile server answers at once; the wait only bounds a failure. One second was too short on a loaded
    // 2-core CI machine, where the reply arrived late and the test saw a timeout instead of the truncation.
    private static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Client_request_is_48_bytes_version_4_mode_3()
    {
        var bytes = NtpPacket.ClientRequest(NtpTimestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch)).Encode();
        Assert.Equal(48, bytes.Length);
        Assert.Equal(0x23, bytes[0]); // LI 0, VN 4, mode 3
        var read = NtpPacket.Parse(bytes);
        Assert.True(read.IsOk, read.ToString());
        var parsed = read.Value;
        Assert.Equal(NtpMode.Client, parsed.Mode);
        Assert.Equal(4, parsed.Version);
    }

    [Fact]
    public void Timestamps_convert_both_eras()
    {
        // 1970-01-01 is 2208988800 s after the NTP epoch (RFC 5905 figure 4).
        Assert.Equal(2208988800u, NtpTimestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch).Seconds);
        var afterRollover = new DateTimeOffset(2040, 6, 1, 12, 0, 0, TimeSpan.FromHours(0)).AddTicks(1234500);
        var stamp = NtpTimestamp.FromDateTimeOffset(afterRollover);
        Assert.True(stamp.Seconds < 0x80000000u);
        Assert.InRange(stamp.ToDateTimeOffset().UtcTicks - afterRollover.UtcTicks, -1, 1);
        var now = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero).AddTicks(98765);
        Assert.InRange(NtpTimestamp.FromDateTimeOffset(now).ToDateTimeOffset().UtcTicks - now.UtcTicks, -1, 1);
    }

    [Fact]
    public void Offset_and_delay_follow_rfc5905_section_8()
    {
        var t1 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        // Server clock 5 s ahead; 10 ms each way; 2 ms processing.
        var t2 = t1.AddMilliseconds(5010);
        var t3 = t2.AddMilliseconds(2);
        var t4 = t1.AddMilliseconds(22);
        var m = NtpMeasurement.Compute(t1, t2, t3, t4, 2, 0, new IPEndPoint(IPAddress.Loopback, 123));
        Assert.Equal(5000, m.Offset.TotalMilliseconds, 3);
        Assert.Equal(20, m.RoundTripDelay.TotalMilliseconds, 3);
    }

    public static TheoryData<string, byte[], string> Malformed() => new()
    {
        { "empty", [], "truncated NTP packet: 0 bytes" },
        { "truncated", new byte[47], "truncated NTP packet: 47 bytes" },
        { "oversized", Version4(new byte[1100]), "exceeds the 1024-byte limit" },
        { "ragged extension", Version4(new byte[50]), "not the 48-byte header plus 32-bit words" },
        { "version 0", new byte[48], "unsupported NTP version 0" },
        { "version 7", VersionByte(0x3C), "unsupported NTP version 7" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_packets_are_rejected(string name, byte[] data, string expected)
    {
        var read = NtpPacket.Parse(data);
        Assert.False(read.IsOk, name);
        Assert.Contains(expected, read.Failure!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 4, 0, "Kiss-o'-Death 'RATE'")]
    [InlineData(0, 3, 2, "mode is Client")]
    [InlineData(3, 4, 2, "leap indicator 3")]
    [InlineData(0, 4, 16, "stratum 16")]
    public void Unusable_replies_are_named(int leap, int mode, int stratum, string expected)
    {
        var reply = new NtpPacket(leap, 4, (NtpMode)mode, stratum, 0, 0, 0, 0,
            BinaryPrimitives.ReadUInt32BigEndian("RATE"u8), default, new NtpTimestamp(1, 1), new NtpTimestamp(2, 2), new NtpTimestamp(3, 3));
        var validated = SntpClient.Validate(reply);
        Assert.False(validated.IsOk);
        Assert.Contains(expected, validated.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kiss_of_death_from_a_real_socket_is_reported_not_measured()
    {
        await using var server = new HostileUdpServer(request =>
        {
            var req = NtpPacket.Parse(request).Value;
            return new NtpPacket(0, 4, NtpMode.Server, 0, 0, 0, 0, 0, BinaryPrimitives.ReadUInt32BigEndian("DENY"u8),
                default, req.TransmitTimestamp, new NtpTimestamp(1, 0), new NtpTimestamp(1, 0)).Encode();
        });
        var outcome = await new SntpClient(new DefaultSocketFactory(), TimeProvider.System).QueryAsync(server.EndPoint, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False(outcome.IsOk);
        Assert.Contains("Kiss-o'-Death 'DENY'", outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replies_that_do_not_echo_our_timestamp_are_ignored_and_named()
    {
        await using var server = new HostileUdpServer(_ =>
            new NtpPacket(0, 4, NtpMode.Server, 2, 0, 0, 0, 0, 0, default, new NtpTimestamp(42, 42), new NtpTimestamp(1, 0), new NtpTimestamp(1, 0)).Encode());
        var outcome = await new SntpClient(new DefaultSocketFactory(), TimeProvider.System).QueryAsync(server.EndPoint, ReplyWait, CancellationToken.None);
        Assert.False(outcome.IsOk);
        Assert.Contains("does not echo our transmit timestamp", outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_reply_from_a_real_socket_is_named()
    {
        await using var server = new HostileUdpServer(request => request[..20]);
        var outcome = await new SntpClient(new DefaultSocketFactory(), TimeProvider.System).QueryAsync(server.EndPoint, ReplyWait, CancellationToken.None);
        Assert.False(outcome.IsOk);
        Assert.Contains("malformed NTP response", outcome.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("truncated NTP packet: 20 bytes", outcome.Failure!.Message, StringComparison.Ordinal);
    }

    private static byte[] Version4(byte[] data)
    {
        data[0] = 0x24;
        return data;
    }

    private static byte[] VersionByte(byte first)
    {
        var data = new byte[48];
        data[0] = first;
        return data;
    }
}
