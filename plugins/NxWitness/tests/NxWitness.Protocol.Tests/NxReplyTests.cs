using System.Text;
using System.Text.Json;
using Appliance.Plugins.NxWitness.Protocol;

namespace Appliance.Plugins.NxWitness.Tests;

/// <summary>The /api/ answer envelope ({"error": "0", "errorString": "", "reply": ...}, Nx Witness 4.2 apidoc "%return") and everything else a server might send.</summary>
public sealed class NxReplyTests
{
    [Theory]
    [InlineData("""{"error":"0","errorString":"","reply":{"processUuid":"{abc}"}}""", JsonValueKind.Object)]
    [InlineData("""{"error":0,"errorString":""}""", JsonValueKind.Undefined)]
    [InlineData("""{"error":"0","reply":null}""", JsonValueKind.Null)]
    public void A_zero_error_code_as_string_or_number_is_ok(string body, JsonValueKind reply)
    {
        var result = NxReply.Parse(Encoding.UTF8.GetBytes(body));
        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(reply, result.Value.ValueKind);
    }

    [Theory]
    [InlineData("", "bad-reply", "an empty answer")]
    [InlineData("<html>Unauthorized</html>", "bad-reply", "not JSON")]
    [InlineData("[1,2]", "bad-reply", "a JSON Array")]
    [InlineData("\"0\"", "bad-reply", "a JSON String")]
    [InlineData("""{"errorString":"x"}""", "bad-reply", "no \"error\" code")]
    [InlineData("""{"error":false}""", "bad-reply", "\"error\" is a JSON False")]
    [InlineData("""{"error":"0",""", "bad-reply", "not JSON")]
    [InlineData("""{"error":"2","errorString":"Missing required parameter 'caption'\u0007"}""", "rejected", "error 2: Missing required parameter 'caption' ")]
    [InlineData("""{"error":3,"errorString":17}""", "rejected", "error 3: ")]
    public void Anything_else_is_a_named_failure(string body, string code, string message)
    {
        var result = NxReply.Parse(Encoding.UTF8.GetBytes(body));
        Assert.Equal(code, result.Failure!.Code);
        Assert.Contains(message, result.Failure.Message);
    }

    [Fact]
    public void Deep_nesting_and_invalid_utf8_are_bad_replies_not_exceptions()
    {
        var deep = "{\"error\":\"0\",\"reply\":" + new string('[', 500) + new string(']', 500) + "}";
        Assert.Equal("bad-reply", NxReply.Parse(Encoding.UTF8.GetBytes(deep)).Failure!.Code);
        Assert.Equal("bad-reply", NxReply.Parse([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).Failure!.Code);
    }

    [Fact]
    public void A_camera_is_found_in_a_status_reply_by_its_url_or_as_the_only_one()
    {
        var url = new Uri("rtsp://appliance:8654/lobby");
        JsonElement Reply(string json) => JsonDocument.Parse(json).RootElement;
        var two = Reply("""{"cameras":[{"url":"rtsp://other/x","uniqueId":"u1","manufacturer":"m"},{"url":"rtsp://appliance:8654/lobby","uniqueId":"u2","manufacturer":"GENERIC_RTSP"}]}""");
        Assert.Equal(new RegisteredCamera("rtsp://appliance:8654/lobby", "u2", "GENERIC_RTSP"), NxClient.FoundCamera(two, url));
        Assert.Equal("u1", NxClient.FoundCamera(Reply("""{"cameras":[{"url":"rtsp://normalised/x","uniqueId":"u1","manufacturer":"m"}]}"""), url)!.UniqueId);
        Assert.Null(NxClient.FoundCamera(Reply("""{"cameras":[]}"""), url));
        Assert.Null(NxClient.FoundCamera(Reply("""{"cameras":[{"url":5,"uniqueId":"u","manufacturer":"m"}]}"""), url));
        Assert.Null(NxClient.FoundCamera(Reply("""{"cameras":{}}"""), url));
        Assert.Null(NxClient.FoundCamera(Reply("[]"), url));
    }
}
