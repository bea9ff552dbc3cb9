using System.Globalization;

namespace Appliance.Abstractions.Http;

/// <summary>What a <c>Range</c> header asks of a resource of known length.</summary>
public enum RangeKind
{
    /// <summary>No usable range (absent, another unit, several ranges, malformed, or a stale <c>If-Range</c>): send all with 200.</summary>
    Whole,

    /// <summary>One satisfiable range: send it with 206 and <c>Content-Range</c>.</summary>
    Partial,

    /// <summary>A well-formed range that starts past the end: 416 with <c>Content-Range: bytes */length</c>.</summary>
    Unsatisfiable,
}

/// <summary>The decision for one request: <see cref="From"/>..<see cref="To"/> inclusive (the whole resource for <see cref="RangeKind.Whole"/>).</summary>
public readonly record struct RangeDecision(RangeKind Kind, long From, long To)
{
    public long Count => Kind == RangeKind.Unsatisfiable ? 0 : To - From + 1;
}

/// <summary>
/// Single-range requests (RFC 9110 section 14) for plugins that serve files or recordings. Pure and total:
/// every header text gives a decision, none throws. Several ranges in one header are answered with the whole
/// resource (RFC 9110 lets a server ignore <c>Range</c>), which keeps responses single-part.
/// </summary>
public static class ByteRanges
{
    /// <summary>Longest <c>Range</c> header considered; longer ones are ignored (whole resource).</summary>
    public const int MaxHeaderLength = 200;

    /// <summary>
    /// Decides what to send for <paramref name="range"/> (the <c>Range</c> header) of a resource of
    /// <paramref name="length"/> bytes. <paramref name="ifRange"/> (the <c>If-Range</c> header), when present, must
    /// equal the strong <paramref name="etag"/> for the range to apply.
    /// </summary>
    public static RangeDecision Decide(string? range, long length, string? ifRange = null, string? etag = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var whole = new RangeDecision(RangeKind.Whole, 0, length - 1);
        if (string.IsNullOrWhiteSpace(range) || range.Length > MaxHeaderLength) return whole;
        if (ifRange is not null && (etag is null || etag.StartsWith("W/", StringComparison.Ordinal) || ifRange.Trim() != etag)) return whole;
        var text = range.Trim();
        if (!text.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return whole;
        var spec = text["bytes=".Length..].Trim();
        if (spec.Contains(',')) return whole;
        var dash = spec.IndexOf('-');
        if (dash < 0) return whole;
        var firstText = spec[..dash].Trim();
        var lastText = spec[(dash + 1)..].Trim();
        if (firstText.Length == 0)
        {
            if (!TryDigits(lastText, out var suffix)) return whole;
            if (suffix == 0 || length == 0) return new RangeDecision(RangeKind.Unsatisfiable, 0, -1);
            return new RangeDecision(RangeKind.Partial, Math.Max(0, length - suffix), length - 1);
        }
        if (!TryDigits(firstText, out var first)) return whole;
        long last = long.MaxValue;
        if (lastText.Length > 0 && !TryDigits(lastText, out last)) return whole;
        if (last < first) return whole;
        if (first >= length) return new RangeDecision(RangeKind.Unsatisfiable, 0, -1);
        return new RangeDecision(RangeKind.Partial, first, Math.Min(last, length - 1));
    }

    /// <summary>
    /// A complete answer for a GET or HEAD of a resource of <paramref name="length"/> bytes: 200 with
    /// <c>Accept-Ranges</c>, 206 with <c>Content-Range</c>, 416, or 304 when <c>If-None-Match</c> names
    /// <paramref name="etag"/>. <paramref name="write"/> is called with the offset and count to send.
    /// <paramref name="downloadName"/> sets <c>Content-Disposition: attachment</c>.
    /// </summary>
    public static PluginStreamResponse Serve(
        PluginStreamRequest request,
        long length,
        string contentType,
        Func<Stream, long, long, CancellationToken, Task> write,
        string? etag = null,
        string? downloadName = null)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Accept-Ranges"] = "bytes" };
        if (etag is not null) headers["ETag"] = etag;
        if (downloadName is not null) headers["Content-Disposition"] = ContentDisposition(downloadName);
        if (etag is not null && request.Header("If-None-Match") is { } inm && inm.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*"))
            return PluginStreamResponse.Status(304, headers);
        var decision = Decide(request.Header("Range"), length, request.Header("If-Range"), etag);
        if (decision.Kind == RangeKind.Unsatisfiable)
        {
            headers["Content-Range"] = $"bytes */{Num(length)}";
            return PluginStreamResponse.Status(416, headers);
        }
        var status = 200;
        if (decision.Kind == RangeKind.Partial)
        {
            status = 206;
            headers["Content-Range"] = $"bytes {Num(decision.From)}-{Num(decision.To)}/{Num(length)}";
        }
        headers["Content-Type"] = contentType;
        headers["Content-Length"] = Num(decision.Count);
        var head = string.Equals(request.Method, "HEAD", StringComparison.OrdinalIgnoreCase);
        if (head || decision.Count == 0) return new PluginStreamResponse(status, headers, null);
        return new PluginStreamResponse(status, headers, (body, ct) => write(body, decision.From, decision.Count, ct));
    }

    /// <summary>
    /// <see cref="Serve"/> for a file on disk: streamed in 64 KiB pieces, ETag from its length and modification time.
    /// 404 when the file does not exist.
    /// </summary>
    public static PluginStreamResponse ServeFile(PluginStreamRequest request, string path, string contentType, string? downloadName = null)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return PluginStreamResponse.Status(404);
        var etag = $"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\"";
        return Serve(request, info.Length, contentType, async (body, offset, count, ct) =>
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, useAsync: true);
            file.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[64 * 1024];
            while (count > 0)
            {
                var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), ct);
                if (read == 0) throw new IOException($"{path} became shorter while it was being sent");
                await body.WriteAsync(buffer.AsMemory(0, read), ct);
                count -= read;
            }
        }, etag, downloadName);
    }

    /// <summary><c>attachment; filename="..."; filename*=UTF-8''...</c> (RFC 6266), safe for any file name.</summary>
    public static string ContentDisposition(string fileName)
    {
        var ascii = new string(fileName.Select(c => c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '_').ToArray());
        return $"attachment; filename=\"{ascii}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
    }

    private static bool TryDigits(string text, out long value)
    {
        value = 0;
        return text.Length is > 0 and <= 18 && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}
