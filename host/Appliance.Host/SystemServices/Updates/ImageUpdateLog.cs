using System.Text.Json;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.SystemServices.Updates;

/// <summary>The last <see cref="ImageUpdateRecord"/> as <c>image-update.json</c> in the data directory (replaced atomically).</summary>
public sealed class ImageUpdateLog(IOptions<ApplianceOptions> options, ILogger<ImageUpdateLog> log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly object _gate = new();

    private string FilePath => options.Value.DataPath("image-update.json");

    public ImageUpdateRecord? Last()
    {
        lock (_gate)
        {
            try
            {
                return File.Exists(FilePath) ? JsonSerializer.Deserialize<ImageUpdateRecord>(File.ReadAllText(FilePath), Json) : null;
            }
            catch (JsonException ex)
            {
                log.LogWarning("Image update record {Path} is unreadable ({Reason}); starting without one", FilePath, ex.Message);
                return null;
            }
        }
    }

    public void Save(ImageUpdateRecord record)
    {
        lock (_gate)
        {
            var temporary = FilePath + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(record, Json));
            File.Move(temporary, FilePath, overwrite: true);
        }
    }
}
