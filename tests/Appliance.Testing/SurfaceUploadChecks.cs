using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Xunit;

namespace Appliance.Testing;

/// <summary>
/// What every host (in-process plugin or isolated child) must answer for the Surface test plugin's <c>upload</c> route:
/// an upload larger than the old 4 MiB cap (20 MiB + 17 bytes of seeded random data) streams to the plugin, which
/// answers 201 with the byte count, the SHA-256 it computed, the caller and the Location of the stored file.
/// </summary>
public static class SurfaceUploadChecks
{
    public static async Task TwentyMiBUploadAsync(HttpClient client, string pluginId)
    {
        var payload = new byte[20 * 1024 * 1024 + 17];
        new Random(7).NextBytes(payload);
        using var content = new StreamContent(new MemoryStream(payload));
        using var response = await client.PostAsync($"/plugins/{pluginId}/upload", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var answer = JsonDocument.Parse(text).RootElement;
        Assert.Equal(payload.Length, answer.GetProperty("bytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(payload)), answer.GetProperty("sha256").GetString());
        Assert.Equal(HostProcess.AdminUser, answer.GetProperty("user").GetString());
        Assert.Equal($"/plugins/{pluginId}/files/uploaded", response.Headers.Location!.ToString());
    }
}
