using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Plugins.Milestone.Protocol;

namespace Appliance.Plugins.Milestone.Tests;

/// <summary>
/// Generic events as XProtect's generic-event data sources take them (Milestone XProtect administrator manual,
/// "Generic events" and "Generic event data source"): the Compatible source on TCP 1234 (ASCII, separator bytes
/// 13,10, echo all bytes), the International source on TCP 1235 (UTF-8, separator 13,10, echo statistics
/// "[X],[Y],[Z],[name]"), and UDP datagrams without echo.
/// </summary>
public sealed class GenericEventTests
{
    [Fact]
    public async Task Compatible_source_gets_ascii_with_cr_lf_and_the_echo_of_every_byte_is_checked()
    {
        await using var server = new RecordingTcpServer(received => received, readToEnd: false);
        var result = await new EventServerClient().SendGenericTcpAsync("127.0.0.1", server.Port, GenericEventSource.Compatible, "Door é opened\r\nsecond", TimeSpan.FromSeconds(20), default);
        Assert.True(result.IsOk, result.ToString());
        var bytes = (await server.WaitForAsync(1)).Single();
        Assert.Equal(Encoding.ASCII.GetBytes("Door ? opened  second\r\n"), bytes);
    }

    [Fact]
    public async Task International_source_gets_utf8_and_its_statistics_echo_is_parsed()
    {
        await using var server = new RecordingTcpServer(received => Encoding.ASCII.GetBytes($"1,{received.Length - 2},1,DoorOpened\r\n"), readToEnd: false);
        var result = await new EventServerClient().SendGenericTcpAsync("127.0.0.1", server.Port, GenericEventSource.International, "Tür geöffnet 漢", TimeSpan.FromSeconds(20), default);
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal("DoorOpened", result.Value);
        Assert.Equal(Encoding.UTF8.GetBytes("Tür geöffnet 漢\r\n"), (await server.WaitForAsync(1)).Single());
    }

    [Theory]
    [InlineData("1,5,0,\r\n", "rejected", "no generic event matched")]
    [InlineData("1,999,1,X\r\n", "bad-echo", "counted 999 characters")]
    [InlineData("garbage\r\n", "bad-echo", "is not X,Y,Z,name")]
    public async Task Statistics_echoes_that_do_not_confirm_the_message_are_errors(string echo, string code, string fragment)
    {
        await using var server = new RecordingTcpServer(_ => Encoding.ASCII.GetBytes(echo), readToEnd: false);
        var result = await new EventServerClient().SendGenericTcpAsync("127.0.0.1", server.Port, GenericEventSource.International, "hello", TimeSpan.FromSeconds(20), default);
        Assert.Equal(code, result.Failure!.Code);
        Assert.Contains(fragment, result.Failure.Message);
    }

    [Fact]
    public async Task A_wrong_or_missing_echo_is_an_error_and_a_silent_source_times_out()
    {
        await using (var wrong = new RecordingTcpServer(r => r.Select(b => (byte)(b ^ 1)).ToArray(), readToEnd: false))
        {
            var result = await new EventServerClient().SendGenericTcpAsync("127.0.0.1", wrong.Port, GenericEventSource.Compatible, "x", TimeSpan.FromSeconds(20), default);
            Assert.Equal("bad-echo", result.Failure!.Code);
        }
        await using (var silent = new RecordingTcpServer(_ => null, readToEnd: false))
        {
            var result = await new EventServerClient().SendGenericTcpAsync("127.0.0.1", silent.Port, GenericEventSource.Compatible, "x", TimeSpan.FromSeconds(1), default);
            Assert.Equal("timeout", result.Failure!.Code);
        }
    }

    [Fact]
    public async Task A_udp_datagram_carries_one_framed_message()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var result = await new EventServerClient().SendGenericUdpAsync("127.0.0.1", port, GenericEventSource.Compatible, "Alarm", default);
        Assert.True(result.IsOk);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var datagram = await udp.ReceiveAsync(cts.Token);
        Assert.Equal(Encoding.ASCII.GetBytes("Alarm\r\n"), datagram.Buffer);
    }

    [Theory]
    [InlineData("13,10", new byte[] { 13, 10 })]
    [InlineData("59", new byte[] { 59 })]
    public void Separators_parse(string text, byte[] expected) => Assert.Equal(expected, GenericEventSource.ParseSeparator(text).Value);

    [Theory]
    [InlineData("")]
    [InlineData("13,256")]
    [InlineData("a,b")]
    [InlineData("1,2,3,4,5,6,7,8,9")]
    public void Bad_separators_are_refused(string text) => Assert.False(GenericEventSource.ParseSeparator(text).IsOk);
}
