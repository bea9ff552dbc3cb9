using Appliance.Host.SystemServices;

namespace Appliance.Host.Tests.SystemServices;

/// <summary>The host's two small parsers of outside text: journalctl's JSON lines and the timesyncd drop-in's servers.</summary>
public sealed class SystemServiceParserTests
{
    [Fact]
    public void A_journal_line_gives_time_priority_and_message()
    {
        var line = JournalJson.ParseLine("""{"__REALTIME_TIMESTAMP":"1764756000123456","PRIORITY":"4","MESSAGE":"Synchronized to time server 192.0.2.123:123."}""");

        Assert.True(line.IsOk, line.ToString());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764756000123), line.Value.At);
        Assert.Equal(4, line.Value.Priority);
        Assert.Equal("Synchronized to time server 192.0.2.123:123.", line.Value.Message);
    }

    [Fact]
    public void A_binary_message_is_read_from_its_bytes_and_a_null_one_is_empty()
    {
        Assert.Equal("hé", JournalJson.ParseLine("""{"MESSAGE":[104,195,169]}""").Value.Message);
        Assert.Equal("", JournalJson.ParseLine("""{"MESSAGE":null}""").Value.Message);
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("{\"MESSAGE\":\"cut", "not JSON")]
    [InlineData("[1,2,3]", "not a JSON object")]
    [InlineData("{\"MESSAGE\":42}", "MESSAGE is a Number")]
    [InlineData("{\"MESSAGE\":[104,300]}", "other than bytes")]
    [InlineData("{\"MESSAGE\":[\"a\"]}", "other than bytes")]
    [InlineData("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", "not JSON")]
    public void A_line_that_is_not_a_journal_entry_is_malformed(string text, string reason)
    {
        var line = JournalJson.ParseLine(text);

        Assert.Equal("malformed", line.Failure?.Code);
        Assert.Contains(reason, line.Failure!.Message);
    }

    [Fact]
    public void Odd_timestamps_and_priorities_are_left_out_not_fatal()
    {
        var line = JournalJson.ParseLine("""{"__REALTIME_TIMESTAMP":"-5","PRIORITY":"9","MESSAGE":"x"}""");

        Assert.True(line.IsOk);
        Assert.Null(line.Value.At);
        Assert.Null(line.Value.Priority);
        Assert.Equal("x", line.Value.Message);
    }

    [Fact]
    public void A_line_over_the_limit_is_refused()
    {
        var line = JournalJson.ParseLine("{\"MESSAGE\":\"" + new string('a', JournalJson.MaxLineBytes) + "\"}");

        Assert.Equal("malformed", line.Failure?.Code);
    }

    [Fact]
    public void The_drop_in_has_one_ntp_line_with_every_server()
    {
        var text = TimesyncdDropIn.Render(["ntp1.example.test", "192.0.2.123", "2001:db8::123"]);

        Assert.True(text.IsOk);
        Assert.EndsWith("[Time]\nNTP=ntp1.example.test 192.0.2.123 2001:db8::123\n", text.Value);
    }

    [Theory]
    [InlineData("pool.ntp.org\nFallbackNTP=evil.example")]
    [InlineData("two words")]
    [InlineData("a=b")]
    [InlineData("#comment")]
    [InlineData("-option")]
    [InlineData("")]
    public void A_server_that_could_add_a_line_or_setting_is_refused(string server)
    {
        var text = TimesyncdDropIn.Render(["pool.ntp.org", server]);

        Assert.Equal("invalid", text.Failure?.Code);
    }

    [Fact]
    public void No_servers_or_too_many_are_refused()
    {
        Assert.Equal("invalid", TimesyncdDropIn.Render([]).Failure?.Code);
        Assert.Equal("invalid", TimesyncdDropIn.Render(Enumerable.Range(0, 17).Select(i => $"ntp{i}.example").ToList()).Failure?.Code);
    }
}
