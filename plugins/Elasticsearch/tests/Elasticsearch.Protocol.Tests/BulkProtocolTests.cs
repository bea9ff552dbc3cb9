using System.Text;
using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Elasticsearch.Protocol;

namespace Appliance.Plugins.Elasticsearch.Tests;

/// <summary>The NDJSON body, the answer reader (with hostile answers) and the documents, without a cluster.</summary>
public sealed class BulkProtocolTests
{
    private static BulkDocument Doc(int i, int size = 10) => new("idx", $"id{i}", JsonSerializer.Serialize(new { text = new string('x', size) }));

    [Fact]
    public void The_body_is_action_and_source_lines_each_ending_in_a_newline()
    {
        var (body, count) = BulkBody.Build([Doc(1), new BulkDocument("idx", "id2", "{\"a\":\"line\\nbreak\"}")]);
        Assert.Equal(2, count);
        var text = Encoding.UTF8.GetString(body);
        Assert.EndsWith("\n", text);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal("""{"create":{"_index":"idx","_id":"id1"}}""", lines[0]);
        Assert.Equal("line\nbreak", JsonDocument.Parse(lines[3]).RootElement.GetProperty("a").GetString());
    }

    [Fact]
    public void The_body_stops_before_the_byte_limit_but_always_carries_one_document()
    {
        var documents = Enumerable.Range(0, 10).Select(i => Doc(i, 1000)).ToList();
        var (body, count) = BulkBody.Build(documents, maxBytes: 3500);
        Assert.Equal(3, count);
        Assert.True(body.Length <= 3500);
        var (single, one) = BulkBody.Build([Doc(0, 10_000)], maxBytes: 100);
        Assert.Equal(1, one);
        Assert.True(single.Length > 10_000);
    }

    [Fact]
    public void Item_statuses_map_to_indexed_retry_and_rejected_with_the_reason()
    {
        var answer = """
            {"took":30,"errors":true,"items":[
              {"create":{"_index":"i","_id":"1","status":201,"result":"created"}},
              {"create":{"_index":"i","_id":"2","status":409,"error":{"type":"version_conflict_engine_exception","reason":"exists"}}},
              {"create":{"_index":"i","_id":"3","status":429,"error":{"type":"es_rejected_execution_exception","reason":"queue full"}}},
              {"create":{"_index":"i","_id":"4","status":503,"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"}}},
              {"create":{"_index":"i","_id":"5","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse"}}}]}
            """;
        var items = BulkAnswer.Parse(Encoding.UTF8.GetBytes(answer), 5).Value;
        Assert.Equal([BulkItemOutcome.Indexed, BulkItemOutcome.Indexed, BulkItemOutcome.Retry, BulkItemOutcome.Retry, BulkItemOutcome.Rejected], items.Select(i => i.Outcome));
        Assert.Equal("mapper_parsing_exception: failed to parse", items[4].Error);
        Assert.Null(items[0].Error);
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("<html>502 Bad Gateway</html>", "not JSON")]
    [InlineData("""{"took":1,"errors":false}""", "no items")]
    [InlineData("""{"items":{}}""", "no items")]
    [InlineData("""{"items":[{"create":{"status":201}}]}""", "1 items for 2")]
    [InlineData("""{"items":[{"create":{"status":201}},{}]}""", "item 1 is not")]
    [InlineData("""{"items":[{"create":{"status":201}},{"create":{"status":"ok"}}]}""", "item 1 has no status")]
    [InlineData("""{"items":[{"create":{"status":201}},{"create":{"status":201}}""", "not JSON")]
    [InlineData("""[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]""", "not JSON")]
    public void Answers_that_do_not_read_as_the_api_documents_are_clear_errors(string answer, string fragment)
    {
        var parsed = BulkAnswer.Parse(Encoding.UTF8.GetBytes(answer), 2);
        Assert.Equal("answer", parsed.Failure!.Code);
        Assert.Contains(fragment, parsed.Failure.Message);
    }

    [Fact]
    public void An_event_becomes_a_document_in_its_days_index_with_its_id_and_camera()
    {
        var at = new DateTimeOffset(2026, 12, 3, 23, 59, 58, 123, TimeSpan.FromHours(-5));
        var envelope = new EventEnvelope(42, Guid.NewGuid(), "PanelAlarm", EventCategory.Alarm, "appliance.dmp", at,
            JsonSerializer.SerializeToElement(new { cameraId = "yard", zone = 3, text = "line\nbreak \"quoted\"" }));
        var document = EventDocument.From(envelope, "appliance-events", "site-7");
        Assert.Equal("appliance-events-2026.12.04", document.Index);
        Assert.Equal(envelope.Id.ToString("D"), document.Id);
        Assert.DoesNotContain('\n', document.Json);
        var json = JsonDocument.Parse(document.Json).RootElement;
        Assert.Equal("2026-12-04T04:59:58.123Z", json.GetProperty("@timestamp").GetString());
        Assert.Equal("PanelAlarm", json.GetProperty("event").GetProperty("type").GetString());
        Assert.Equal("alarm", json.GetProperty("event").GetProperty("category").GetString());
        Assert.Equal(42, json.GetProperty("event").GetProperty("sequence").GetInt64());
        Assert.Equal("yard", json.GetProperty("camera").GetProperty("id").GetString());
        Assert.Equal(3, json.GetProperty("data").GetProperty("zone").GetInt32());
    }

    [Theory]
    [InlineData("", null, null, null, "host")]
    [InlineData("es", "key", "user", "pw", "either apiKey or username")]
    [InlineData("es", null, "user", null, "password")]
    public void Bad_cluster_settings_are_named(string host, string? key, string? user, string? password, string fragment)
    {
        var endpoint = ElasticEndpoint.Create(host, 9200, key, user, password, TimeSpan.FromSeconds(1));
        Assert.Equal("config", endpoint.Failure!.Code);
        Assert.Contains(fragment, endpoint.Failure.Message);
    }
}
