using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Host.Configuration;
using Appliance.Host.Plugins;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Rules;

/// <summary>
/// The rule runner's look for an event's alert image. The media plugin keeps the snapshot of a
/// <c>snapshot.onEvents</c> event under the event's id through its own outbox subscription, which nothing orders
/// against the rule runner's; so for an event of one of those types (the media plugin's configuration in force),
/// with a camera and no named snapshot, the look waits up to <see cref="ApplianceOptions.EventSnapshotWaitSeconds"/>
/// for the image to appear (the media plugin writes it whole, by rename). Other events are looked at once.
/// </summary>
public sealed class EventSnapshotWait(EventSnapshots snapshots, PluginManager plugins, IOptions<ApplianceOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public async Task<string?> PathOfAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (snapshots.PathOf(envelope) is { } path) return path;
        var limit = TimeSpan.FromSeconds(Math.Clamp(options.Value.EventSnapshotWaitSeconds, 0, 60));
        if (limit <= TimeSpan.Zero || !snapshots.MayBeKeptUnderItsId(envelope) || !KeptByMediaPlugin(envelope.Type)) return null;
        var until = time.GetUtcNow() + limit;
        while (time.GetUtcNow() < until)
        {
            await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
            if (snapshots.PathOf(envelope) is { } kept) return kept;
        }
        return null;
    }

    /// <summary>Whether the installed media plugin's <c>snapshot.onEvents</c> (with its schema's default) lists the type.</summary>
    private bool KeptByMediaPlugin(string eventType)
    {
        if (!plugins.ConfigView(EventSnapshots.MediaPluginId).TryGetValue(out var view, out _)) return false;
        return view.Config.ValueKind == JsonValueKind.Object
            && view.Config.TryGetProperty("snapshot", out var snapshot) && snapshot.ValueKind == JsonValueKind.Object
            && snapshot.TryGetProperty("onEvents", out var types) && types.ValueKind == JsonValueKind.Array
            && types.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.GetString() == eventType);
    }
}
