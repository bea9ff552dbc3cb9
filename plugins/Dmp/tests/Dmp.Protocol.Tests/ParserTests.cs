using System.Text;
using Appliance.Plugins.Dmp.Protocol;

namespace Appliance.Plugins.Dmp.Tests;

public sealed class ParserTests
{
    private static DmpMessage Parse(string text)
    {
        var parsed = DmpMessageParser.Parse(Encoding.ASCII.GetBytes(text));
        Assert.True(parsed.IsOk, parsed.ToString());
        return parsed.Value;
    }

    private static Abstractions.Failure Refused(byte[] bytes)
    {
        var parsed = DmpMessageParser.Parse(bytes);
        Assert.False(parsed.IsOk, $"accepted: {parsed}");
        return parsed.Failure!;
    }

    [Fact]
    public void An_alarm_has_its_account_definition_and_fields()
    {
        var m = Parse(SerialThreeFrames.Alarm());
        Assert.Equal(DmpMessageKind.Event, m.Kind);
        Assert.Equal("12345", m.Account);
        Assert.Equal("Za", m.EventCode);
        Assert.Equal(new DmpField('t', "", "BU"), m.Field('t'));
        Assert.Equal(new DmpField('z', "005", "FRONT DOOR"), m.Field('z'));
        Assert.Equal(5, m.Field('z')!.NumberValue);
        Assert.Equal(new DmpField('a', "01", "MAIN"), m.Field('a'));
    }

    [Fact]
    public void A_short_account_is_right_justified_and_echoed_as_sent()
    {
        var m = Parse(SerialThreeFrames.Alarm(account: "42"));
        Assert.Equal("42", m.Account);
        Assert.Equal("   42", m.AccountField);
        Assert.Equal(SerialThreeFrames.Ack("42"), DmpAcknowledgement.For(m));
    }

    [Fact]
    public void Check_ins_and_time_requests_are_recognized() => Assert.Equal(
        [DmpMessageKind.CheckIn, DmpMessageKind.TimeRequest],
        [Parse(SerialThreeFrames.CheckIn()).Kind, Parse($"{SerialThreeFrames.Header}12345 S71").Kind]);

    [Fact]
    public void A_frame_shorter_than_header_and_account_is_truncated() =>
        Assert.Equal("truncated", Refused(Encoding.ASCII.GetBytes("    1 012")).Code);

    [Fact]
    public void An_event_cut_before_its_definition_is_truncated()
    {
        var failure = Refused(Encoding.ASCII.GetBytes($"{SerialThreeFrames.Header}123450000"));
        Assert.Equal("truncated", failure.Code);
        Assert.Contains("event definition", failure.Message);
    }

    [Fact]
    public void A_letter_in_the_account_is_malformed()
    {
        var failure = Refused(Encoding.ASCII.GetBytes(SerialThreeFrames.Alarm(account: "12X45")));
        Assert.Equal("malformed", failure.Code);
        Assert.Contains("12X45", failure.Message);
    }

    [Fact]
    public void Binary_bytes_are_malformed_with_their_offset()
    {
        var bytes = Encoding.ASCII.GetBytes(SerialThreeFrames.Alarm());
        bytes[20] = 0xFF;
        var failure = Refused(bytes);
        Assert.Equal("malformed", failure.Code);
        Assert.Contains("0xFF at offset 20", failure.Message);
    }

    [Fact]
    public void A_body_without_a_Z_definition_is_malformed() =>
        Assert.Equal("malformed", Refused(Encoding.ASCII.GetBytes($"{SerialThreeFrames.Header}123450000000Xa\\z 001\\")).Code);

    [Fact]
    public void A_field_without_letter_and_space_is_malformed()
    {
        var failure = Refused(Encoding.ASCII.GetBytes($"{SerialThreeFrames.Header}123450000000Za\\005\"DOOR\\"));
        Assert.Equal("malformed", failure.Code);
        Assert.Contains("005", failure.Message);
    }

    [Fact]
    public void More_fields_than_an_event_has_are_malformed()
    {
        var many = string.Concat(Enumerable.Repeat("\\z 001", DmpMessageParser.MaxFields + 1));
        Assert.Equal("malformed", Refused(Encoding.ASCII.GetBytes($"{SerialThreeFrames.Header}123450000000Za{many}")).Code);
    }

    [Fact]
    public void Garbage_never_throws()
    {
        var random = new Random(2001);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            _ = DmpMessageParser.Parse(bytes);
        }
        Assert.False(DmpMessageParser.Parse("garbage garbage garbage"u8).IsOk);
    }
}
