using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Abstractions;

namespace Appliance.Tools.Appliancectl.Config;

/// <summary>What <c>appliancectl login</c> remembers: where the appliance is, the token, and how to trust its certificate.</summary>
public sealed record CliConfig(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("certificateSha256")] string? CertificateSha256,
    [property: JsonPropertyName("insecure")] bool Insecure);

/// <summary>
/// The config file: <c>$APPLIANCECTL_CONFIG</c> or <c>~/.config/appliancectl/config.json</c>, written with
/// mode 0600 (it holds a token) in a directory with mode 0700.
/// </summary>
public static class ConfigFile
{
    private const int MaxBytes = 64 * 1024;
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static string DefaultPath()
    {
        if (Environment.GetEnvironmentVariable("APPLIANCECTL_CONFIG") is { Length: > 0 } path) return Path.GetFullPath(path);
        var configHome = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(configHome, "appliancectl", "config.json");
    }

    /// <summary>
    /// The stored config (null when there is none), or a failure naming the file: <c>too-large</c>, <c>malformed</c>
    /// (not JSON, url or token missing) or <c>unreadable</c>.
    /// </summary>
    public static Result<CliConfig?> Load(string path)
    {
        if (!File.Exists(path)) return Result<CliConfig?>.Ok(null);
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxBytes) return Result<CliConfig?>.Fail("too-large", $"{path}: larger than {MaxBytes / 1024} KiB, not a config file");
            var config = JsonSerializer.Deserialize<CliConfig>(File.ReadAllText(path));
            if (config is null || string.IsNullOrEmpty(config.Url) || string.IsNullOrEmpty(config.Token))
                return Result<CliConfig?>.Fail("malformed", $"{path}: url or token missing; run 'appliancectl login' again");
            return config;
        }
        catch (JsonException ex)
        {
            return Result<CliConfig?>.Fail("malformed", $"{path}: not valid JSON ({ex.Message}); run 'appliancectl login' again");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Result<CliConfig?>.Fail("unreadable", $"{path}: cannot be read ({ex.Message})");
        }
    }

    public static void Save(string path, CliConfig config)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = path + ".tmp";
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(temp, JsonSerializer.Serialize(config, Options));
        }
        else
        {
            if (!Directory.Exists(directory))
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using (var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                JsonSerializer.Serialize(stream, config, Options);
            }
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temp, path, overwrite: true);
    }
}
