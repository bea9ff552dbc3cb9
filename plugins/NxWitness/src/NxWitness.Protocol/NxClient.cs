using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Plugins.NxWitness.Protocol;

/// <summary>A stream the Nx server found and added: its RTSP URL, Nx's unique (physical) id and the manufacturer it chose.</summary>
public sealed record RegisteredCamera(string Url, string UniqueId, string Manufacturer);

/// <summary>How long camera registration waits for the server's search to find a stream.</summary>
public sealed record SearchPolling(TimeSpan Interval, int MaxPolls)
{
    public static readonly SearchPolling Default = new(TimeSpan.FromSeconds(1), 20);
}

/// <summary>
/// The Nx Witness 4.2 Server HTTP API calls the plugin makes (see the plugin's README for the documentation):
/// <c>GET /api/createEvent</c> for generic events, and the documented four-step manual addition of an RTSP stream
/// (<c>manualCamera/search</c> with the URL, <c>manualCamera/status</c> until the stream is found,
/// <c>POST manualCamera/add</c>, <c>manualCamera/stop</c>).
/// </summary>
public sealed class NxClient(NxHttp http)
{
    /// <summary>A refusal a repeat cannot fix right away (refused credentials, a request the server rejects): stop trying for now.</summary>
    public static bool NotWorthRepeatingNow(Failure failure) => failure.Code is "auth" or "rejected";

    public async Task<Result<string>> CreateEventAsync(NxServer server, GenericEvent genericEvent, CancellationToken ct)
    {
        var sent = await http.SendAsync(server, HttpMethod.Get, genericEvent.ToPathAndQuery(), null, ct);
        return sent.Map(_ => "");
    }

    /// <summary>Adds one RTSP stream as a camera; the search is stopped whatever happens after it started.</summary>
    public async Task<Result<RegisteredCamera>> RegisterRtspAsync(
        NxServer server, Uri rtspUrl, string? streamUser, string? streamPassword, SearchPolling polling, CancellationToken ct)
    {
        var query = $"/api/manualCamera/search?url={Uri.EscapeDataString(rtspUrl.ToString())}" + Credentials(streamUser, streamPassword);
        var search = await http.SendAsync(server, HttpMethod.Get, query, null, ct);
        if (!search.TryGetValue(out var started, out var failure)) return failure;
        var processUuid = Text(started, "processUuid");
        if (processUuid is null) return new Failure("bad-reply", $"{server}: manualCamera/search answered without reply.processUuid");
        try
        {
            var found = await PollAsync(server, processUuid, rtspUrl, polling, ct);
            if (!found.TryGetValue(out var camera, out failure)) return failure;
            var body = JsonSerializer.Serialize(new
            {
                user = streamUser ?? "",
                password = streamPassword ?? "",
                cameras = new[] { new { uniqueId = camera.UniqueId, url = camera.Url, manufacturer = camera.Manufacturer } },
            });
            var added = await http.SendAsync(server, HttpMethod.Post, "/api/manualCamera/add", body, ct);
            return added.Map(_ => camera);
        }
        finally
        {
            await http.SendAsync(server, HttpMethod.Post, $"/api/manualCamera/stop?uuid={Uri.EscapeDataString(processUuid)}", null, CancellationToken.None);
        }
    }

    private async Task<Result<RegisteredCamera>> PollAsync(NxServer server, string processUuid, Uri rtspUrl, SearchPolling polling, CancellationToken ct)
    {
        for (var i = 0; i < polling.MaxPolls; i++)
        {
            if (i > 0) await Task.Delay(polling.Interval, ct);
            var status = await http.SendAsync(server, HttpMethod.Get, $"/api/manualCamera/status?uuid={Uri.EscapeDataString(processUuid)}", null, ct);
            if (!status.TryGetValue(out var reply, out var failure)) return failure;
            var found = FoundCamera(reply, rtspUrl);
            if (found is not null) return found;
        }
        return new Failure("not-found", $"{server}: the server's search found no stream at {rtspUrl} after {polling.MaxPolls} polls");
    }

    /// <summary>The camera of a <c>manualCamera/status</c> reply whose url is the stream's (or the only one found).</summary>
    public static RegisteredCamera? FoundCamera(JsonElement reply, Uri rtspUrl)
    {
        if (reply.ValueKind != JsonValueKind.Object || !reply.TryGetProperty("cameras", out var cameras) || cameras.ValueKind != JsonValueKind.Array)
            return null;
        var candidates = cameras.EnumerateArray()
            .Select(c => (Url: Text(c, "url"), UniqueId: Text(c, "uniqueId"), Manufacturer: Text(c, "manufacturer")))
            .Where(c => c.Url is not null && c.UniqueId is not null && c.Manufacturer is not null)
            .Take(256)
            .ToList();
        var match = candidates.FirstOrDefault(c => c.Url == rtspUrl.ToString());
        if (match.Url is null && candidates.Count == 1) match = candidates[0];
        return match.Url is null ? null : new RegisteredCamera(match.Url, match.UniqueId!, match.Manufacturer!);
    }

    private static string Credentials(string? user, string? password) =>
        (string.IsNullOrEmpty(user) ? "" : $"&user={Uri.EscapeDataString(user)}") +
        (string.IsNullOrEmpty(password) ? "" : $"&password={Uri.EscapeDataString(password)}");

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
