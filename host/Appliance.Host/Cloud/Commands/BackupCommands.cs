using System.Text.Json;
using Appliance.Abstractions;
using Appliance.CloudLink;
using Appliance.Host.Backup;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Cloud.Commands;

/// <summary>
/// <c>backup</c>: makes a backup and PUTs it to <c>args.url</c> (HTTPS) with <c>args.passphrase</c> or
/// <c>cloud.backupPassphrase</c>; <c>restore</c>: downloads <c>args.url</c> (HTTPS, size-limited) and restores it, all
/// or nothing. Transfers go through the site's proxy when one is set.
/// </summary>
public sealed class BackupCommands(BackupService backups, IOptions<ApplianceOptions> appliance, Appliance.Host.DataUse.DataUseStore dataUse) : ICloudCommandGroup
{
    public IReadOnlyList<string> Names { get; } = ["backup", "restore"];

    public Task<Result<JsonElement?>> RunAsync(CloudCommand command, CloudOptions options, CancellationToken ct) => command.Name switch
    {
        "backup" => BackupAsync(command, options, ct),
        "restore" => RestoreAsync(command, options, ct),
        _ => throw new InvalidOperationException($"{command.Name} is not a backup command"),
    };

    private async Task<Result<JsonElement?>> BackupAsync(CloudCommand command, CloudOptions options, CancellationToken ct)
    {
        if (!CloudTransfer.HttpsUrl(CommandArgs.Text(command, "url")).TryGetValue(out var url, out var badUrl)) return badUrl;
        var passphrase = CommandArgs.Text(command, "passphrase") ?? options.BackupPassphrase;
        if (!(await backups.CreateAsync(passphrase)).TryGetValue(out var file, out var refused)) return refused;
        var sent = await CloudTransfer.UploadAsync(url, file.Bytes, "application/octet-stream", options, appliance.Value.Network, ct);
        if (!sent.TryGetValue(out var done, out var failed)) return failed;
        dataUse.Record(Appliance.Host.DataUse.DataUseStore.HostSource, Appliance.Abstractions.Services.DataUseCategories.Backups, done.Size);
        return CommandArgs.Json(new { fileName = file.FileName, size = done.Size, sha256 = done.Sha256 });
    }

    private async Task<Result<JsonElement?>> RestoreAsync(CloudCommand command, CloudOptions options, CancellationToken ct)
    {
        if (!CloudTransfer.HttpsUrl(CommandArgs.Text(command, "url")).TryGetValue(out var url, out var badUrl)) return badUrl;
        if (!(await CloudTransfer.DownloadAsync(url, options, appliance.Value.Network, ct)).TryGetValue(out var file, out var failed)) return failed;
        var passphrase = CommandArgs.Text(command, "passphrase") ?? options.BackupPassphrase;
        if (!(await backups.RestoreAsync(file, passphrase, ct)).TryGetValue(out var outcome, out var refused)) return refused;
        return CommandArgs.Json(new
        {
            deviceId = outcome.Preview.DeviceId,
            createdAt = outcome.Preview.CreatedAt,
            signedByThisDevice = outcome.Preview.SignedByThisDevice,
            changes = outcome.Preview.Changes.Select(c => new { section = c.Section, id = c.Id, name = c.Name, change = c.Change, fields = c.Fields }),
            warnings = outcome.Preview.Warnings,
            problems = outcome.Problems,
        });
    }
}
