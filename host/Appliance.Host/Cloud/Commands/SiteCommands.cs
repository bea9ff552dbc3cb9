using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.CloudLink;
using Appliance.Host.Configuration;
using Appliance.Host.Network;
using Appliance.Host.Plugins;
using Appliance.Host.Rules;
using Appliance.SystemBus;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Cloud.Commands;

/// <summary>
/// Commands about the site: <c>netcheck</c> runs the network doctor and answers its checks; <c>snapshot</c> takes a
/// camera's current picture (<c>args.camera</c>) or an event's kept one (<c>args.snapshotId</c>) from the media plugin
/// and PUTs the JPEG to <c>args.url</c> (HTTPS); <c>reboot</c> asks logind to reboot (the result is sent first: the
/// link goes down with the host).
/// </summary>
public sealed partial class SiteCommands(
    NetworkDoctorService doctor,
    PluginRouteTable routes,
    LoginClient login,
    IOptions<ApplianceOptions> appliance,
    Appliance.Host.DataUse.DataUseStore dataUse,
    ILogger<SiteCommands> log) : ICloudCommandGroup
{
    /// <summary>A JPEG larger than this is not a snapshot.</summary>
    public const int MaxSnapshotBytes = 16 * 1024 * 1024;

    /// <summary>Seconds between the reboot's result and the reboot, so the result reaches the broker.</summary>
    private static readonly TimeSpan RebootDelay = TimeSpan.FromSeconds(2);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,160}$")]
    private static partial Regex SafeId();

    public IReadOnlyList<string> Names { get; } = ["netcheck", "snapshot", "reboot"];

    public Task<Result<JsonElement?>> RunAsync(CloudCommand command, CloudOptions options, CancellationToken ct) => command.Name switch
    {
        "netcheck" => NetcheckAsync(ct),
        "snapshot" => SnapshotAsync(command, options, ct),
        "reboot" => RebootAsync(command),
        _ => throw new InvalidOperationException($"{command.Name} is not a site command"),
    };

    private async Task<Result<JsonElement?>> NetcheckAsync(CancellationToken ct)
    {
        var checks = await doctor.RunAsync(ct);
        return CommandArgs.Json(new
        {
            passed = checks.Count(c => c.Status == Appliance.NetCheck.Checks.CheckStatus.Pass),
            failed = checks.Count(c => c.Status == Appliance.NetCheck.Checks.CheckStatus.Fail),
            checks = checks.Select(c => new { name = c.Name, target = c.Target, status = c.Status.ToString().ToLowerInvariant(), latencyMs = c.LatencyMs, detail = c.Detail, remediation = c.Remediation }),
        });
    }

    private async Task<Result<JsonElement?>> SnapshotAsync(CloudCommand command, CloudOptions options, CancellationToken ct)
    {
        if (!CloudTransfer.HttpsUrl(CommandArgs.Text(command, "url")).TryGetValue(out var url, out var badUrl)) return badUrl;
        var camera = CommandArgs.Text(command, "camera");
        var kept = CommandArgs.Text(command, "snapshotId");
        if ((camera is null) == (kept is null)) return new Failure("malformed", "args must name either camera (its current picture) or snapshotId (an event's kept picture)");
        var id = camera ?? kept!;
        if (!SafeId().IsMatch(id) || id.Contains("..", StringComparison.Ordinal))
            return new Failure("malformed", $"args.{(camera is null ? "snapshotId" : "camera")} may hold only letters, digits, '.', '_' and '-' (1 to 160)");
        var path = camera is null ? $"snapshots/{id}" : $"cameras/{id}/snapshot";
        if (!(await FetchFromMediaAsync(path, ct)).TryGetValue(out var jpeg, out var missing)) return missing;
        var sent = await CloudTransfer.UploadAsync(url, jpeg, "image/jpeg", options, appliance.Value.Network, ct);
        if (!sent.TryGetValue(out var done, out var failed)) return failed;
        dataUse.Record(Appliance.Host.DataUse.DataUseStore.HostSource, Appliance.Abstractions.Services.DataUseCategories.Thumbnails, done.Size);
        return CommandArgs.Json(new { camera, snapshotId = kept, size = done.Size, sha256 = done.Sha256 });
    }

    /// <summary>A GET of one of the media plugin's routes, as the portal would make it, read into memory (bounded).</summary>
    private async Task<Result<byte[]>> FetchFromMediaAsync(string path, CancellationToken ct)
    {
        if (!routes.TryMatch(EventSnapshots.MediaPluginId, "GET", path, out var route, out var values))
            return new Failure("unavailable", $"the media plugin ({EventSnapshots.MediaPluginId}) is not running, so there is no snapshot");
        var request = new PluginStreamRequest("GET", $"/plugins/{EventSnapshots.MediaPluginId}/{path}",
            values.ToDictionary(v => v.Key, v => v.Value?.ToString() ?? ""), new Dictionary<string, string>(),
            new Dictionary<string, string>(), 0, Stream.Null, new PluginCaller("cloud", UserRole.Operator), null);
        using var body = new MemoryStream();
        PluginStreamResponse response;
        try
        {
            response = await route!.Handler(request, ct);
            if (response.Body is not null) await response.Body(new BoundedWriteStream(body, MaxSnapshotBytes), ct);
        }
        catch (InvalidDataException tooLarge)
        {
            return new Failure("too-large", $"the media plugin's picture is {tooLarge.Message}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "The media plugin failed a snapshot for the cloud");
            return new Failure("snapshot-failed", $"the media plugin failed: {ex.Message}");
        }
        if (response.StatusCode == 404) return new Failure("not-found", $"the media plugin has no {(path.StartsWith("snapshots/", StringComparison.Ordinal) ? "kept snapshot" : "picture of the camera")} '{values.Values.First()}'");
        if (response.StatusCode != 200)
            return new Failure("snapshot-failed", $"the media plugin answered {response.StatusCode}: {Truncate(System.Text.Encoding.UTF8.GetString(body.ToArray()))}");
        return body.ToArray();
    }

    private Task<Result<JsonElement?>> RebootAsync(CloudCommand command)
    {
        if (CommandArgs.Text(command, "confirm") != "reboot") return Task.FromResult<Result<JsonElement?>>(new Failure("malformed", "args.confirm must be \"reboot\""));
        log.LogWarning("Cloud command {RequestId}: reboot in {Delay}", command.RequestId, RebootDelay);
        _ = Task.Run(async () =>
        {
            await Task.Delay(RebootDelay);
            var done = await login.RebootAsync(CancellationToken.None);
            if (!done.IsOk) log.LogError("The reboot asked by cloud command {RequestId} failed: {Failure}", command.RequestId, done.Failure);
        });
        return Task.FromResult(CommandArgs.Json(new { accepted = "reboot", inSeconds = RebootDelay.TotalSeconds }));
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
