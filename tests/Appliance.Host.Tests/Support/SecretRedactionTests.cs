using System.Text.Json.Nodes;
using Appliance.Host.Support;

namespace Appliance.Host.Tests.Support;

/// <summary>What the support bundle removes from the configuration and events, and what it leaves (including odd input).</summary>
public sealed class SecretRedactionTests
{
    [Fact]
    public void Secret_names_lose_their_text_at_any_depth_numbers_switches_and_empty_values_stay()
    {
        var redacted = SecretRedaction.Redact(JsonNode.Parse("""
            {"http": {"certificatePassword": "pfx-pw", "httpsPort": 443},
             "network": {"proxyPassword": "p", "proxyUsername": "site", "list": [{"apiKey": "k"}]},
             "cloud": {"backupPassphrase": "pp", "enrolment": {"token": "t", "url": "https://est.example"}, "keyFile": "/d/device.key"},
             "auth": {"maxTokenDays": 366, "clientSecret": "", "bindPassword": null, "privateKeys": ["a", "b"], "secretEnabled": true}}
            """))!.ToJsonString();
        foreach (var secret in new[] { "pfx-pw", "\"p\"", "\"k\"", "\"pp\"", "\"t\"", "/d/device.key", "\"a\"" })
            Assert.DoesNotContain(secret, redacted);
        Assert.Contains("\"httpsPort\":443", redacted);
        Assert.Contains("\"proxyUsername\":\"site\"", redacted);
        Assert.Contains("\"url\":\"https://est.example\"", redacted);
        Assert.Contains("\"maxTokenDays\":366", redacted);
        Assert.Contains("\"clientSecret\":\"\"", redacted);
        Assert.Contains("\"bindPassword\":null", redacted);
        Assert.Contains("\"secretEnabled\":true", redacted);
        Assert.Contains("\"proxyPassword\":\"(secret, removed)\"", redacted);
        Assert.Contains("\"privateKeys\":\"(secret, removed)\"", redacted);
    }

    [Theory]
    [InlineData("rtsp://admin:cam-pw@192.0.2.10:554/stream", "rtsp://removed@192.0.2.10:554/stream")]
    [InlineData("https://up.example/b?sig=abc&exp=1", "https://up.example/b?removed")]
    [InlineData("https://up.example/plain", "https://up.example/plain")]
    [InlineData("not a url at all", "not a url at all")]
    [InlineData("://no-scheme@x", "://no-scheme@x")]
    [InlineData("http://[broken", "http://[broken")]
    [InlineData("", "")]
    [InlineData("user:pw@host", "user:pw@host")]
    public void Urls_lose_their_user_part_and_query_other_text_is_unchanged(string text, string expected) =>
        Assert.Equal(expected, SecretRedaction.RedactUrl(text));

    [Fact]
    public void Strings_in_arrays_and_at_the_top_are_redacted_as_urls_too()
    {
        Assert.Equal("[\"rtsp://removed@cam/x\",1,null]", SecretRedaction.Redact(JsonNode.Parse("[\"rtsp://u:p@cam/x\", 1, null]"))!.ToJsonString());
        Assert.Null(SecretRedaction.Redact(null));
    }

    [Theory]
    [InlineData("opening rtsp://admin:cam-pw@192.0.2.10:554/s failed", "opening rtsp://removed@192.0.2.10:554/s failed")]
    [InlineData("two: http://a:b@h/x and https://c@h2", "two: http://removed@h/x and https://removed@h2")]
    [InlineData("mail me at someone@example.org", "mail me at someone@example.org")]
    [InlineData("no urls here", "no urls here")]
    [InlineData("broken ://user:pw@host", "broken ://user:pw@host")]
    public void Log_lines_lose_the_user_part_of_every_url_in_them(string line, string expected) =>
        Assert.Equal(expected, SecretRedaction.RedactUrlsInText(line));
}
