using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Elasticsearch.Tests;

/// <summary>The plugin behind a durable batch subscription, indexing into the loopback peer over HTTPS (pinned).</summary>
public sealed class ElasticsearchPluginTests
{
    private static PluginContextDouble Context(ElasticsearchPeer peer, string apiKey = ElasticsearchPeer.ApiKey, int batchSize = 500, int maxRequestBytes = 5_242_880) => new(
        JsonSerializer.Serialize(new
        {
            host = "127.0.0.1",
            port = peer.Port,
            apiKey,
            username = "",
            certificateSha256 = peer.CertificateSha256,
            indexPrefix = "appliance-events",
            eventTypes = Array.Empty<string>(),
            applianceName = "site-7",
            batchSize,
            maxRequestBytes,
            timeoutSeconds = 10,
        }),
        TimeProvider.System, "appliance.elasticsearch");

    private static long _sequence;

    private static EventEnvelope Event(object data, string type = "PanelAlarm") =>
        new(Interlocked.Increment(ref _sequence), Guid.NewGuid(), type, EventCategory.Alarm, "appliance.dmp", DateTimeOffset.UtcNow, JsonSerializer.SerializeToElement(data));

    private static async Task<ElasticsearchPlugin> StartAsync(PluginContextDouble context)
    {
        var plugin = new ElasticsearchPlugin();
        await plugin.StartAsync(context, default);
        return plugin;
    }

    private static async Task<JsonElement> GetAsync(PluginContextDouble context, string route)
    {
        var response = await context.HttpRoutes.Routes[$"GET {route}"](null!, default);
        using var body = new MemoryStream();
        await response.Body!(body, default);
        return JsonDocument.Parse(body.ToArray()).RootElement.Clone();
    }

    [Fact]
    public async Task A_run_of_events_is_one_bulk_request_after_the_template_and_each_event_one_document()
    {
        await using var peer = await ElasticsearchPeer.StartAsync();
        var context = Context(peer);
        var plugin = await StartAsync(context);
        var events = Enumerable.Range(0, 25).Select(i => Event(new { cameraId = "yard", zone = i })).ToList();
        foreach (var e in events) context.Outbox.Store(e);
        await context.Outbox.DrainAsync();
        Assert.Equal(0, context.Outbox.PendingCount);
        Assert.Equal([25], context.Outbox.Batches);
        var template = Assert.Single(peer.Templates);
        Assert.Equal("appliance-events-*", template.Value["index_patterns"]![0]!.GetValue<string>());
        var index = Assert.Single(peer.Indices);
        Assert.Equal($"appliance-events-{DateTime.UtcNow:yyyy.MM.dd}", index.Key);
        Assert.Equal(events.Select(e => e.Id.ToString("D")).Order(), index.Value.Keys.Order());
        var document = index.Value[events[3].Id.ToString("D")];
        Assert.Equal("yard", document["camera"]!["id"]!.GetValue<string>());
        Assert.Equal(3, document["data"]!["zone"]!.GetValue<int>());
        Assert.Equal("site-7", document["appliance"]!["name"]!.GetValue<string>());
        Assert.Equal(25, (await GetAsync(context, "status")).GetProperty("indexed").GetInt64());
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Items_the_cluster_cannot_take_now_come_again_and_nothing_is_indexed_twice()
    {
        await using var peer = await ElasticsearchPeer.StartAsync();
        var context = Context(peer);
        var plugin = await StartAsync(context);
        peer.ThrottleNextFrom(4);
        foreach (var e in Enumerable.Range(0, 10).Select(i => Event(new { zone = i }))) context.Outbox.Store(e);
        await context.Outbox.DrainAsync();
        Assert.Equal(0, context.Outbox.PendingCount);
        Assert.Equal(10, peer.DocumentCount);
        var answers = peer.BulkAnswers.ToList();
        Assert.Equal([201, 201, 201, 201, 429, 429, 429, 429, 429, 429], answers[0]);
        Assert.Equal(Enumerable.Repeat(201, 6), answers[1]);
        Assert.Equal([10, 6], context.Outbox.Batches);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task A_document_sent_again_is_a_conflict_counted_as_indexed_not_a_copy()
    {
        await using var peer = await ElasticsearchPeer.StartAsync();
        var context = Context(peer);
        var plugin = await StartAsync(context);
        var e = Event(new { zone = 1 });
        await context.Outbox.AppendAsync(e);
        await context.Outbox.AppendAsync(e); // at-least-once: the outbox may hand the same event over again
        Assert.Equal(1, peer.DocumentCount);
        Assert.Equal([[201], [409]], peer.BulkAnswers);
        Assert.Equal(2, (await GetAsync(context, "status")).GetProperty("indexed").GetInt64());
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task A_document_the_mapping_refuses_is_kept_on_disk_with_the_reason_and_the_rest_goes_on()
    {
        await using var peer = await ElasticsearchPeer.StartAsync();
        var context = Context(peer);
        var plugin = await StartAsync(context);
        var bad = Event(new { poison = "x" });
        context.Outbox.Store(Event(new { zone = 1 }));
        context.Outbox.Store(bad);
        context.Outbox.Store(Event(new { zone = 2 }));
        await context.Outbox.DrainAsync();
        Assert.Equal(0, context.Outbox.PendingCount);
        Assert.Equal(2, peer.DocumentCount);
        var rejected = Assert.Single((await GetAsync(context, "rejected")).EnumerateArray());
        Assert.Equal(bad.Id.ToString("D"), rejected.GetProperty("id").GetString());
        Assert.Equal(400, rejected.GetProperty("status").GetInt32());
        Assert.StartsWith("mapper_parsing_exception", rejected.GetProperty("error").GetString());
        Assert.Equal("x", rejected.GetProperty("document").GetProperty("data").GetProperty("poison").GetString());
        var status = await GetAsync(context, "status");
        Assert.Equal(1, status.GetProperty("rejected").GetInt64());
        Assert.Contains(context.Log.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains(bad.Id.ToString("D"), StringComparison.Ordinal));
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task A_cluster_outage_keeps_the_events_in_the_outbox_until_it_is_back()
    {
        await using var peer = await ElasticsearchPeer.StartAsync();
        var context = Context(peer);
        var plugin = await StartAsync(context);
        peer.FailNext(1);
        await context.Outbox.AppendAsync(Event(new { zone = 1 }));
        Assert.Equal(1, context.Outbox.PendingCount);
        Assert.Equal(HealthState.Degraded, context.HealthReports.Components["cluster"].State);
        Assert.Contains("503", context.HealthReports.Components["cluster"].Message);
        await context.Outbox.DrainAsync();
        Assert.Equal(0, context.Outbox.PendingCount);
        Assert.Equal(1, peer.DocumentCount);
        Assert.Equal(HealthState.Healthy, context.HealthReports.Components["cluster"].State);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task A_refused_api_key_indexes_nothing_and_says_so()
    {
        await using var peer = await ElasticsearchPeer.StartAsync();
        var context = Context(peer, apiKey: "d3Jvbmc6a2V5");
        var plugin = await StartAsync(context);
        await context.Outbox.AppendAsync(Event(new { zone = 1 }));
        Assert.Equal(1, context.Outbox.PendingCount);
        Assert.Empty(peer.Templates);
        Assert.Contains("auth", context.HealthReports.Components["cluster"].Message);
        Assert.Contains("security_exception", context.HealthReports.Components["cluster"].Message);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Requests_over_the_clusters_limit_are_split_and_a_single_document_too_large_is_refused_and_kept()
    {
        await using var peer = await ElasticsearchPeer.StartAsync();
        peer.MaxContentBytes = 8 * 1024;
        var context = Context(peer);
        var plugin = await StartAsync(context);
        var events = Enumerable.Range(0, 8).Select(i => Event(new { text = new string('a', 1500) })).Append(Event(new { text = new string('b', 20_000) })).ToList();
        foreach (var e in events) context.Outbox.Store(e);
        await context.Outbox.DrainAsync();
        Assert.Equal(0, context.Outbox.PendingCount);
        Assert.Equal(8, peer.DocumentCount);
        Assert.True(peer.BulkAnswers.Count >= 2, "split into several requests");
        var rejected = Assert.Single((await GetAsync(context, "rejected")).EnumerateArray());
        Assert.Equal(413, rejected.GetProperty("status").GetInt32());
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task Without_a_host_nothing_is_subscribed_and_a_bad_index_prefix_is_refused()
    {
        var off = new PluginContextDouble("""{ "host": "" }""", TimeProvider.System, "appliance.elasticsearch");
        await new ElasticsearchPlugin().StartAsync(off, default);
        Assert.Empty(off.Outbox.SubscriptionNames);
        await using var peer = await ElasticsearchPeer.StartAsync();
        var bad = new PluginContextDouble(Context(peer).Config.GetRawText().Replace("appliance-events", "_Bad Prefix*", StringComparison.Ordinal), TimeProvider.System, "appliance.elasticsearch");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new ElasticsearchPlugin().StartAsync(bad, default));
        Assert.Contains("indexPrefix", error.Message);
    }
}
