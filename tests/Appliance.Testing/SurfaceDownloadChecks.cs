using System.Net;
using System.Net.Http.Headers;
using Xunit;

namespace Appliance.Testing;

/// <summary>
/// What every host (in-process plugin or isolated child) must answer for the Surface test plugin's generated file
/// <c>files/big</c> (byte i = i mod 251): a range at the end (206, Content-Range, exactly those bytes), a range past
/// the end (416 with the length), and HEAD (the length, no body).
/// </summary>
public static class SurfaceDownloadChecks
{
    public static async Task RangesAndHeadAsync(HttpClient client, string pluginId, long length)
    {
        var path = $"/plugins/{pluginId}/files/big";
        using var ranged = new HttpRequestMessage(HttpMethod.Get, path);
        ranged.Headers.Range = new RangeHeaderValue(length - 1000, length - 1);
        using (var response = await client.SendAsync(ranged))
        {
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal($"bytes {length - 1000}-{length - 1}/{length}", response.Content.Headers.ContentRange!.ToString());
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(1000, bytes.Length);
            Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal((byte)((length - 1000 + i) % 251), bytes[i]));
        }

        using var beyond = new HttpRequestMessage(HttpMethod.Get, path);
        beyond.Headers.TryAddWithoutValidation("Range", $"bytes={length}-");
        using (var response = await client.SendAsync(beyond))
        {
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
            Assert.Equal($"bytes */{length}", response.Content.Headers.ContentRange!.ToString());
        }
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(length, head.Content.Headers.ContentLength);
    }
}
