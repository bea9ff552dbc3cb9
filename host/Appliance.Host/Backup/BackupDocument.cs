using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Abstractions;

namespace Appliance.Host.Backup;

/// <summary>
/// What a backup holds (the encrypted payload, JSON, format 1): each plugin's stored configuration and enabled state,
/// every rule document, and every camera with its credentials in clear (they exist in clear only inside the
/// encrypted payload and are sealed again with the target device's key on restore).
/// </summary>
public sealed record BackupDocument(
    int Format,
    IReadOnlyList<PluginBackup> Plugins,
    IReadOnlyList<JsonElement> Rules,
    IReadOnlyList<CameraBackup> Cameras)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static Result<BackupDocument> Parse(byte[] utf8)
    {
        BackupDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<BackupDocument>(utf8, Json);
        }
        catch (JsonException e)
        {
            return new Failure("malformed", $"the backup's contents are not valid: {e.Message}");
        }
        if (document is null) return new Failure("malformed", "the backup's contents are empty");
        if (document.Format > BackupLimits.FormatVersion)
            return new Failure("unsupported-version", $"the backup's contents are format version {document.Format}; this appliance reads version {BackupLimits.FormatVersion}");
        return document with
        {
            Plugins = document.Plugins ?? [],
            Rules = document.Rules ?? [],
            Cameras = document.Cameras ?? [],
        };
    }
}

/// <summary>A plugin's stored decisions: enabled and its configuration section (null: the manifest's defaults).</summary>
public sealed record PluginBackup(string Id, bool Enabled, JsonElement? Config);

/// <summary>A camera as stored, with its password in clear (inside the encrypted payload only).</summary>
public sealed record CameraBackup(
    string Id,
    string Name,
    bool Enabled,
    string? StreamUri,
    string? OnvifUri,
    string? Username,
    string? Password,
    Appliance.Abstractions.CameraOverrides? Overrides,
    string? Source);
