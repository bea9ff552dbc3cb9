using Appliance.Plugins.Genetec.Protocol;

namespace Appliance.Plugins.Genetec.Tests;

/// <summary>
/// The answer parser against the JSON envelope the Genetec DAP wiki documents
/// (https://github.com/Genetec/DAP/wiki/web-sdk-events-and-alarms and web-sdk-system-endpoints:
/// <c>{"Rsp":{"Status":"Ok","Result":...}}</c>) and against answers no Web SDK should give.
/// </summary>
public sealed class WebSdkResponseTests
{
    [Theory]
    [InlineData("""{"Rsp":{"Status":"Ok"}}""")]
    [InlineData("""{"Rsp":{"Status":"Ok","Result":{"CurrentCount":8,"MaximumCount":100000}}}""")]
    public void Documented_ok_envelopes_are_ok(string body) => Assert.Equal("Ok", WebSdkResponse.Parse(body).Value);

    [Theory]
    [InlineData("", "bad-response")]
    [InlineData("<rsp status=\"ok\"/>", "bad-response")]
    [InlineData("[]", "bad-response")]
    [InlineData("{}", "bad-response")]
    [InlineData("""{"Rsp":{}}""", "bad-response")]
    [InlineData("""{"Rsp":"Ok"}""", "bad-response")]
    [InlineData("""{"Rsp":{"Status":1}}""", "bad-response")]
    [InlineData("""{"Rsp":{"Status":"ok"}}""", "rejected")]
    [InlineData("""{"Rsp":{"Status":"Fail","Result":"Entity not found"}}""", "rejected")]
    [InlineData("""{"Rsp":{"Status":"TooManyResults"}}""", "rejected")]
    public void Other_answers_are_failures(string body, string code) => Assert.Equal(code, WebSdkResponse.Parse(body).Failure!.Code);

    [Fact]
    public void Deeply_nested_or_hostile_answers_give_short_printable_messages()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        Assert.Equal("bad-response", WebSdkResponse.Parse(deep).Failure!.Code);
        var hostile = WebSdkResponse.Parse("{\"Rsp\":{\"Status\":\"Fail\",\"Result\":{\"Message\":\"" + new string('a', 5000) + "\\u001b[31m\\r\\nX\"}}}");
        Assert.Equal("rejected", hostile.Failure!.Code);
        Assert.True(hostile.Failure.Message.Length < 2 * WebSdkResponse.MaxMessageLength);
        Assert.DoesNotContain(hostile.Failure.Message, char.IsControl);
    }
}
