using System.CommandLine;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary><c>appliancectl events tail [--follow]</c>: recent events, then (with --follow) each new one as it is stored.</summary>
public static class EventsCommands
{
    /// <summary>An event larger than this in the stream is reported and skipped (the API caps event data at 64 KiB).</summary>
    public const int MaxEventChars = 1024 * 1024;

    public static Command Create(GlobalOptions globals)
    {
        var events = new Command("events", "Read the appliance's event log");
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events as they arrive (server-sent events)" };
        var limit = new Option<int>("--limit", "-n") { Description = "How many recent events to print first (1-1000)", DefaultValueFactory = _ => 20 };
        limit.Validators.Add(r =>
        {
            if (r.GetValue(limit) is < 1 or > 1000) r.AddError("--limit: must be between 1 and 1000");
        });
        var type = new Option<string?>("--type", "-t") { Description = "Only events of this type, e.g. PluginStateChanged" };
        var tail = new Command("tail", "Print recent events; with --follow, keep printing new ones") { follow, limit, type };
        tail.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var typeFilter = parse.GetValue(type);
            var query = $"/api/v1/events?limit={parse.GetValue(limit)}" + (typeFilter is null ? "" : "&type=" + Uri.EscapeDataString(typeFilter));
            var recent = (await session.Api.GetAsync(query, ct)).Items().Reverse().ToList();
            if (recent.Count > 0 || parse.GetValue(follow)) PrintHeader(session.Output);
            foreach (var e in recent) Print(session.Output, e);
            if (!parse.GetValue(follow))
            {
                if (recent.Count == 0 && !session.Output.Json) session.Output.Error.WriteLine("(no events)");
                return ExitCodes.Ok;
            }

            var after = recent.Count > 0 && recent[^1].Number("sequence") is { } last ? (long)last : 0;
            await FollowAsync(session, after, typeFilter, ct);
            return ExitCodes.Ok;
        });
        events.Subcommands.Add(tail);
        return events;
    }

    private static async Task FollowAsync(CliSession session, long after, string? typeFilter, CancellationToken ct)
    {
        var path = after > 0 ? $"/api/v1/events/stream?after={after}" : "/api/v1/events/stream";
        using var response = await session.Api.OpenStreamAsync(path, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        try
        {
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct))
            {
                if (item.Data.Length > MaxEventChars)
                {
                    session.Output.Fail($"event {item.EventId}: larger than {MaxEventChars / 1024} KiB, skipped");
                    continue;
                }
                JsonElement envelope;
                try
                {
                    envelope = JsonSerializer.Deserialize<JsonElement>(item.Data);
                }
                catch (JsonException ex)
                {
                    session.Output.Fail($"event {item.EventId}: not JSON ({ex.Message}), skipped");
                    continue;
                }
                if (typeFilter is not null && !string.Equals(envelope.Text("type"), typeFilter, StringComparison.Ordinal)) continue;
                if (envelope.Number("sequence") is { } seq && seq <= after) continue;
                Print(session.Output, envelope);
                await session.Output.Out.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (IOException ex)
        {
            throw new Http.ApiException($"the event stream from {session.Api.BaseUri} broke: {ex.Message}");
        }
        throw new Http.ApiException($"the appliance at {session.Api.BaseUri} closed the event stream");
    }

    private static readonly string[] Headers = ["SEQ", "TIME", "CATEGORY", "TYPE", "SOURCE", "DATA"];

    /// <summary>Fixed widths, so the recent events and the followed ones line up (DATA takes the rest of 120 and wraps).</summary>
    private static readonly int[] Widths = [6, 26, 8, 22, 18, TableLayout.MaxWidth - (6 + 26 + 8 + 22 + 18) - 5 * 2];

    private static void PrintHeader(Output output)
    {
        if (!output.Json) foreach (var line in TableLayout.Lines(Headers, [], fixedWidths: Widths)) output.Out.Write(line + "\n");
    }

    private static void Print(Output output, JsonElement e)
    {
        if (output.Json)
        {
            output.WriteJson(e, indented: false);
            return;
        }
        var data = e.Child("data") is { } d ? JsonText.Serialize(d, indented: false) : "";
        foreach (var line in TableLayout.Lines(["", "", "", "", "", ""],
                     [[e.Text("sequence"), e.Time("occurredAt"), e.Text("category"), e.Text("type"), e.Text("source"), data]], maxCell: 1000, fixedWidths: Widths))
            output.Out.Write(line + "\n");
    }
}
