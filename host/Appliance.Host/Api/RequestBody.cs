using System.Buffers;
using System.Text;

namespace Appliance.Host.Api;

/// <summary>Reads a request body as text: at most a given number of bytes of valid UTF-8 (a BOM is skipped).</summary>
internal static class RequestBody
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async Task<(string? Text, string? Error)> ReadUtf8Async(HttpRequest request, int maxBytes, CancellationToken ct, bool allowEmpty = false)
    {
        if (request.ContentLength > maxBytes)
            return (null, $"body: {request.ContentLength} bytes; the limit is {maxBytes}");
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var length = 0;
            while (length <= maxBytes)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, maxBytes + 1 - length), ct);
                if (read == 0) break;
                length += read;
            }
            if (length > maxBytes) return (null, $"body: more than {maxBytes} bytes; the limit is {maxBytes}");
            var start = length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
            if (length - start == 0 && !allowEmpty) return (null, "body: empty; send the rule as JSON");
            return (Utf8.GetString(buffer, start, length - start), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, "body: not valid UTF-8");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
