using System.Text;
using System.Text.Json;
using Appliance.Core.Rules;
using Appliance.Host.Events;
using Appliance.Host.Rules;

namespace Appliance.Host.Api;

/// <summary>
/// <c>/api/v1/rules</c>: list, get, create (POST), replace (PUT), delete, validate without storing, and the dry run.
/// Bodies are rule documents (see <c>Appliance.Core.Rules.RulesJson</c>); a refusal is a 400 problem whose
/// <c>errors</c> extension lists every error as <c>{ path, message }</c>.
/// </summary>
internal static class RulesApi
{
    private const int MaxBodyBytes = 1024 * 1024;
    private const string WhenEmpty = "send the rule as JSON";

    /// <summary>The dry run reads at most this many events from the outbox.</summary>
    public const int MaxDryRunEvents = 50_000;

    public static void MapRulesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/rules").WithTags("rules");

        group.MapGet("/", (RuleStore store) => Json(w =>
        {
            w.WriteStartArray();
            foreach (var r in store.Rules) RulesFacade.Write(w, r);
            w.WriteEndArray();
        })).WithName("ListRules").WithSummary("Rules with their state");

        group.MapGet("/{id}", (string id, RuleStore store) =>
            store.Get(id) is { } rule ? Json(w => RulesFacade.Write(w, rule)) : PluginsApi.Problem(404, $"rule '{id}' does not exist"))
            .WithName("GetRule").WithSummary("One rule");

        group.MapPost("/", async (HttpRequest request, RuleStore store, CancellationToken ct) =>
        {
            var body = await RequestBody.ReadUtf8Async(request, MaxBodyBytes, WhenEmpty, ct);
            if (!body.IsOk) return Refused([new RuleError("", body.Failure!.Message)]);
            var saved = store.Save(body.Value, replacing: null);
            return saved.IsValid
                ? Results.Text(RulesFacade.Serialize(saved.Valid), "application/json; charset=utf-8", statusCode: 201)
                : Refused(saved.Errors);
        }).WithName("CreateRule").WithSummary("Create a rule");

        group.MapPut("/{id}", async (string id, HttpRequest request, RuleStore store, CancellationToken ct) =>
        {
            if (store.Get(id) is null) return PluginsApi.Problem(404, $"rule '{id}' does not exist");
            var body = await RequestBody.ReadUtf8Async(request, MaxBodyBytes, WhenEmpty, ct);
            if (!body.IsOk) return Refused([new RuleError("", body.Failure!.Message)]);
            var saved = store.Save(body.Value, replacing: id);
            return saved.IsValid ? Json(w => RulesFacade.Write(w, saved.Valid)) : Refused(saved.Errors);
        }).WithName("ReplaceRule").WithSummary("Replace a rule");

        group.MapDelete("/{id}", (string id, RuleStore store) =>
            store.Delete(id) ? Results.NoContent() : PluginsApi.Problem(404, $"rule '{id}' does not exist")).WithName("DeleteRule").WithSummary("Delete a rule");

        group.MapPost("/validate", async (HttpRequest request, RuleStore store, string? replacing, CancellationToken ct) =>
        {
            var body = await RequestBody.ReadUtf8Async(request, MaxBodyBytes, WhenEmpty, ct);
            var errors = body.IsOk ? store.Check(body.Value, replacing).Errors : [new RuleError("", body.Failure!.Message)];
            return Results.Ok(new { valid = errors.Length == 0, errors = errors.Select(e => new { path = e.Path, message = e.Message }) });
        }).WithName("ValidateRule").WithSummary("Check a rule without saving it");

        group.MapPost("/dry-run", async (HttpRequest request, RuleStore store, OutboxEventBus bus, TimeProvider time, CancellationToken ct) =>
        {
            var body = await RequestBody.ReadUtf8Async(request, MaxBodyBytes, whenEmpty: null, ct);
            if (!body.IsOk) return Refused([new RuleError("", body.Failure!.Message)]);
            var input = DryRunInput.Parse(body.Value, store);
            if (input.Errors.Count > 0) return Refused(input.Errors);
            var rules = input.Rules ?? store.Rules;
            var events = input.Events ?? OutboxEvents(bus, time.GetUtcNow() - TimeSpan.FromHours(input.Hours));
            var decisions = RulesFacade.DryRun(rules, events);
            return Results.Ok(new
            {
                eventsSeen = events.Count,
                fired = decisions.Count(d => d.Decision == "fired"),
                suppressed = decisions.Count(d => d.Decision != "fired"),
                decisions = decisions.Select(d => new
                {
                    ruleId = d.RuleId,
                    ruleName = d.RuleName,
                    eventId = d.EventId,
                    decision = d.Decision,
                    actions = d.Actions.Select(a => new { kind = a.Kind, target = a.Target, parameters = a.Parameters, recipients = a.Recipients }),
                }),
            });
        }).WithName("DryRunRules").WithSummary("Run rules against recorded or given events without acting");
    }

    /// <summary>The outbox's events since <paramref name="since"/>, oldest first, at most <see cref="MaxDryRunEvents"/>.</summary>
    private static List<RuleEvent> OutboxEvents(OutboxEventBus bus, DateTimeOffset since)
    {
        var events = new List<RuleEvent>();
        long? before = null;
        while (events.Count < MaxDryRunEvents)
        {
            var page = bus.Recent(1000, beforeSeq: before);
            if (page.Count == 0) break;
            var done = false;
            foreach (var e in page)
            {
                if (e.OccurredAt < since) { done = true; break; }
                events.Add(RuleEventFacts.From(e, TimeZoneInfo.Local));
            }
            if (done) break;
            before = page[^1].Sequence;
        }
        events.Reverse();
        return events;
    }

    internal static IResult Refused(IEnumerable<RuleError> errors)
    {
        var list = errors.ToList();
        return Results.Problem(
            detail: string.Join("; ", list.Select(e => e.Path == "" ? e.Message : $"{e.Path}: {e.Message}")),
            statusCode: 400, title: "Refused",
            extensions: new Dictionary<string, object?> { ["errors"] = list.Select(e => new { path = e.Path, message = e.Message }).ToList() });
    }

    private static IResult Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) write(writer);
        return Results.Text(Encoding.UTF8.GetString(stream.ToArray()), "application/json; charset=utf-8");
    }
}
