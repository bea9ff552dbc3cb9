using System.Buffers;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.Host.Api;

/// <summary>Reads a request body as text: at most a given number of bytes of valid UTF-8 (a BOM is skipped).</summary>
internal static class RequestBody
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The body as text, or a failure (<c>too-large</c>, <c>malformed</c>, <c>empty</c>) whose message starts with "body:".
    /// <paramref name="whenEmpty"/> says what to send instead of an empty body; null accepts an empty body.
    /// </summary>
    public static async Task<Result<string>> ReadUtf8Async(HttpRequest request, int maxBytes, string? whenEmpty, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes)
            return Result<string>.Fail("too-large", $"body: {request.ContentLength} bytes; the limit is {maxBytes}");
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
            if (length > maxBytes) return Result<string>.Fail("too-large", $"body: more than {maxBytes} bytes; the limit is {maxBytes}");
            var start = length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
            if (length - start == 0 && whenEmpty is not null) return Result<string>.Fail("empty", $"body: empty; {whenEmpty}");
            return Utf8.GetString(buffer, start, length - start);
        }
        catch (DecoderFallbackException)
        {
            return Result<string>.Fail("malformed", "body: not valid UTF-8");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
