using Appliance.Host.Cloud;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Backup;

/// <summary>
/// Scheduled backups: every <c>cloud.backupIntervalHours</c> (0: off) a backup with <c>cloud.backupPassphrase</c> is
/// PUT to <c>cloud.backupUrl</c>, as the <c>backup</c> command does. A failure is logged and retried at the next turn.
/// </summary>
public sealed class BackupSchedule(BackupService backups, IOptions<ApplianceOptions> options, DataUse.DataUseStore dataUse, TimeProvider time, ILogger<BackupSchedule> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cloud = options.Value.Cloud;
        if (cloud.BackupIntervalHours <= 0) return;
        if (!CloudTransfer.HttpsUrl(cloud.BackupUrl).TryGetValue(out var url, out var badUrl) || BackupLimits.PassphraseProblem(cloud.BackupPassphrase) is not null)
        {
            log.LogWarning("Scheduled backups are off: {Problem}", badUrl?.Message ?? "cloud.backupPassphrase: " + BackupLimits.PassphraseProblem(cloud.BackupPassphrase));
            return;
        }
        var interval = TimeSpan.FromHours(Math.Clamp(cloud.BackupIntervalHours, 0.01, 24 * 40));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var made = await backups.CreateAsync(cloud.BackupPassphrase);
            if (!made.TryGetValue(out var file, out var failure))
            {
                log.LogWarning("Scheduled backup not made: {Failure}", failure);
                continue;
            }
            var sent = await CloudTransfer.UploadAsync(url, file.Bytes, "application/octet-stream", cloud, options.Value.Network, stoppingToken);
            if (sent.IsOk)
            {
                dataUse.Record(DataUse.DataUseStore.HostSource, Appliance.Abstractions.Services.DataUseCategories.Backups, sent.Value.Size);
                log.LogInformation("Scheduled backup uploaded: {Bytes} bytes, sha256 {Sha256}", sent.Value.Size, sent.Value.Sha256);
            }
            else log.LogWarning("Scheduled backup not uploaded: {Failure}", sent.Failure);
        }
    }
}
