using System.Text.Json;
using System.Threading.Channels;
using Appliance.Abstractions.Events;
using Appliance.Host.Events;

namespace Appliance.Host.Api;

internal static class EventsApi
{
    public static void MapEventsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/events").WithTags("events");

        group.MapGet("/", (OutboxEventBus bus, int? limit, long? before, long? after, string? type) =>
            Results.Ok(bus.Recent(limit ?? 100, before, after, type))).WithName("ListEvents").WithSummary("Recent events from the outbox, newest first, with paging and a type filter");

        group.MapGet("/subscriptions", (OutboxEventBus bus) => Results.Ok(bus.Subscriptions())).WithName("ListSubscriptions").WithSummary("Durable subscribers of the event bus and how far each has read");

        // Accepts an event from an operator or a tool (e.g. a manual alarm). 202 means it is stored durably.
        group.MapPost("/", (PublishEventRequest request, OutboxEventBus bus, HttpContext http) =>
        {
            var errors = new List<string>();
            if (string.IsNullOrWhiteSpace(request.Type) || request.Type.Length > 100 || !request.Type.All(char.IsAsciiLetterOrDigit))
                errors.Add("type: must be 1 to 100 ASCII letters or digits (a past-tense noun such as ManualAlarmRaised)");
            if (!Enum.TryParse<EventCategory>(request.Category, ignoreCase: true, out var category))
                errors.Add($"category: '{request.Category}' is not one of camera, alarm, analytics, system");
            var data = request.Data ?? JsonSerializer.SerializeToElement(new { });
            if (data.GetRawText().Length > 64 * 1024) errors.Add("data: larger than 64 KiB");
            if (errors.Count > 0) return PluginsApi.Problem(400, string.Join("; ", errors));
            var source = "api:" + (http.User.Identity?.Name ?? "unknown");
            var envelope = bus.Append(source, request.Type!, category, data);
            return Results.Accepted($"/api/v1/events?after={envelope.Sequence - 1}&limit=1", envelope);
        }).WithName("PublishEvent").WithSummary("Publish an event onto the bus");

        // Live tail as server-sent events: the last few, then each new one as it is committed.
        group.MapGet("/stream", (OutboxEventBus bus, HttpContext http, long? after, CancellationToken ct) => StreamAsync(bus, http, after, _ => true, ct))
            .WithName("StreamEvents").WithSummary("Events as they happen (server-sent events), resumable with after");

        // The same for a viewer's pages: only what the overview and the health badge show anyway.
        group.MapGet("/stream/health", (OutboxEventBus bus, HttpContext http, long? after, CancellationToken ct) =>
                StreamAsync(bus, http, after, e => HealthEventTypes.All.Contains(e.Type), ct))
            .WithName("StreamHealthEvents").WithSummary("Camera, plugin and system health events as they happen (server-sent events), for every role");
    }

    private static async Task StreamAsync(OutboxEventBus bus, HttpContext http, long? after, Func<EventEnvelope, bool> include, CancellationToken ct)
    {
        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var channel = Channel.CreateBounded<EventEnvelope>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        void OnAppended(EventEnvelope e)
        {
            if (include(e)) channel.Writer.TryWrite(e);
        }
        bus.Appended += OnAppended;
        try
        {
            var backlog = after is { } a ? bus.Recent(1000, afterSeq: a) : bus.Recent(20).Reverse().ToList();
            var last = 0L;
            foreach (var e in backlog.Where(include))
            {
                await Write(http, e, ct);
                last = e.Sequence;
            }
            await http.Response.Body.FlushAsync(ct);
            await foreach (var e in channel.Reader.ReadAllAsync(ct))
            {
                if (e.Sequence <= last) continue;
                await Write(http, e, ct);
                await http.Response.Body.FlushAsync(ct);
                last = e.Sequence;
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            bus.Appended -= OnAppended;
        }
    }

    private static async Task Write(HttpContext http, EventEnvelope e, CancellationToken ct)
    {
        // The API's JSON settings (enums as strings), so the stream matches GET /api/v1/events.
        var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var json = JsonSerializer.Serialize(e, options);
        await http.Response.WriteAsync($"id: {e.Sequence}\nevent: {e.Type}\ndata: {json}\n\n", ct);
    }
}

public sealed record PublishEventRequest(string? Type, string? Category, JsonElement? Data);
