using System.Security.Cryptography;
using Appliance.Abstractions;
using Appliance.Host.Cameras;
using Appliance.Host.Cloud;
using Appliance.Host.Configuration;
using Appliance.Host.Plugins;
using Appliance.Host.Rules;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Backup;

/// <summary>A backup file made on this device.</summary>
public sealed record BackupFile(byte[] Bytes, string FileName, string Sha256);

/// <summary>What a restore would change, read from a backup without applying anything.</summary>
public sealed record RestorePreview(
    string DeviceId,
    DateTimeOffset CreatedAt,
    string SigningKey,
    bool SignedByThisDevice,
    IReadOnlyList<BackupChange> Changes,
    IReadOnlyList<string> Warnings);

/// <summary>A restore that was applied, with what it changed and what did not go as planned after the write.</summary>
public sealed record RestoreOutcome(RestorePreview Preview, IReadOnlyList<string> Problems);

/// <summary>
/// Makes backups, previews and applies restores (docs/architecture.md, "Backup and restore"). One restore at a time;
/// a restore is checked completely, then written in one transaction, then the stores and plugins take it up.
/// </summary>
public sealed class BackupService(
    BackupCollector collector,
    BackupWriter writer,
    DeviceSigningKey signingKey,
    RuleStore rules,
    CameraStore cameras,
    PluginManager plugins,
    IOptions<ApplianceOptions> options,
    TimeProvider time,
    ILogger<BackupService> log)
{
    private readonly SemaphoreSlim _restoring = new(1, 1);

    /// <summary>One key derivation at a time (each takes the header's memory, up to 256 MiB).</summary>
    private readonly SemaphoreSlim _deriving = new(1, 1);

    public string DeviceId => CloudSettings.DeviceIdOf(options.Value.Cloud);

    public string PublicKey => signingKey.PublicKeyBase64;

    public async Task<Result<BackupFile>> CreateAsync(string? passphrase)
    {
        if (BackupLimits.PassphraseProblem(passphrase) is { } problem) return new Failure("invalid", problem);
        var now = time.GetUtcNow();
        var payload = collector.Collect().ToUtf8();
        var bytes = await DerivingAsync(() => BackupEnvelope.Seal(payload, passphrase!, signingKey, DeviceId, now));
        CryptographicOperations.ZeroMemory(payload);
        var name = $"appliance-{Safe(DeviceId)}-{now.UtcDateTime:yyyyMMdd-HHmmss}.backup";
        log.LogInformation("Backup made: {Bytes} bytes", bytes.Length);
        return new BackupFile(bytes, name, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    public async Task<Result<RestorePreview>> PreviewAsync(byte[] file, string? passphrase) =>
        (await PlanAsync(file, passphrase)).Map(p => p.Preview);

    public async Task<Result<RestoreOutcome>> RestoreAsync(byte[] file, string? passphrase, CancellationToken ct)
    {
        await _restoring.WaitAsync(ct);
        try
        {
            if (!(await PlanAsync(file, passphrase)).TryGetValue(out var planned, out var failure)) return failure;
            writer.Write(planned.Plan);
            rules.Reload();
            cameras.Reload();
            var problems = await plugins.ApplyStoredStateAsync(planned.Plan.Document.Plugins.Select(p => p.Id), ct);
            log.LogWarning("Backup of {Device} from {CreatedAt} restored: {Changes} changes", planned.Preview.DeviceId, planned.Preview.CreatedAt, planned.Preview.Changes.Count);
            return new RestoreOutcome(planned.Preview, problems);
        }
        finally
        {
            _restoring.Release();
        }
    }

    private async Task<Result<(RestorePlan Plan, RestorePreview Preview)>> PlanAsync(byte[] file, string? passphrase)
    {
        if (BackupLimits.PassphraseProblem(passphrase) is { } problem) return new Failure("invalid", problem);
        var opened = await DerivingAsync(() => BackupEnvelope.Open(file, passphrase!));
        if (!opened.TryGetValue(out var backup, out var failure)) return failure;
        if (!BackupDocument.Parse(backup.Payload).TryGetValue(out var document, out var bad)) return bad;
        if (!RestorePlan.Make(document, collector.Collect(), rules, plugins).TryGetValue(out var plan, out var refused)) return refused;
        var own = backup.Header.SigningKey == signingKey.PublicKeyBase64;
        var warnings = plan.Warnings.ToList();
        if (!own)
            warnings.Insert(0, $"this backup was signed by another device ('{backup.Header.DeviceId}', key {backup.Header.SigningKey}), not by this one");
        var preview = new RestorePreview(backup.Header.DeviceId, backup.Header.CreatedAt, backup.Header.SigningKey, own, plan.Changes, warnings);
        return (plan, preview);
    }

    private async Task<T> DerivingAsync<T>(Func<T> work)
    {
        await _deriving.WaitAsync();
        try
        {
            return await Task.Run(work);
        }
        finally
        {
            _deriving.Release();
        }
    }

    private static string Safe(string text) => new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').Take(64).ToArray());
}
