using System.Text;

namespace Appliance.NetCheck.Net;

/// <summary>
/// The status line and headers of an HTTP/1.x or RTSP/1.0 response (RFC 9112 section 4, RFC 2326 section 7).
/// Parsing is strict and bounded: a hostile peer gets a clear error, never an exception.
/// </summary>
public sealed record ResponseHead(string Protocol, int StatusCode, string Reason, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public const int MaxHeadLength = 16 * 1024;
    public const int MaxHeaders = 100;

    public string? Header(string name)
        => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>
    /// Parses a head (without the final empty line); fails with <c>malformed</c> and what is wrong.
    /// <paramref name="protocolPrefix"/> is "HTTP/1." or "RTSP/1.0".
    /// </summary>
    public static Result<ResponseHead> Parse(ReadOnlySpan<byte> head, string protocolPrefix)
    {
        foreach (var b in head)
        {
            if (b is (< 0x20 and not (byte)'\r' and not (byte)'\n' and not (byte)'\t') or 0x7F)
            {
                return Result<ResponseHead>.Fail("malformed", $"response head contains control byte 0x{b:X2}");
            }
        }

        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split("\r\n");
        var statusLine = lines[0];
        if (!statusLine.StartsWith(protocolPrefix, StringComparison.Ordinal))
        {
            return Result<ResponseHead>.Fail("malformed", $"expected a {protocolPrefix.TrimEnd('.')} status line, got '{Printable(statusLine)}'");
        }

        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || parts[1].Length != 3 || !parts[1].All(char.IsAsciiDigit))
        {
            return Result<ResponseHead>.Fail("malformed", $"malformed status line '{Printable(statusLine)}': no three-digit status code");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (headers.Count == MaxHeaders)
            {
                return Result<ResponseHead>.Fail("malformed", $"more than {MaxHeaders} header lines");
            }

            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].Any(c => c is ' ' or '\t'))
            {
                return Result<ResponseHead>.Fail("malformed", $"malformed header line '{Printable(line)}'");
            }

            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        return new ResponseHead(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
            parts.Length > 2 ? parts[2] : string.Empty, headers);
    }

    /// <summary>Reads up to the blank line ending the head: the head bytes (without CRLFCRLF), or <c>closed</c> or <c>too-large</c>.</summary>
    public static async Task<Result<byte[]>> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadLength + 4];
        var filled = 0;
        while (true)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled, 1), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return Result<byte[]>.Fail("closed", filled == 0
                    ? "the peer closed the connection without answering"
                    : $"the peer closed the connection after {filled} bytes, before the end of the response head");
            }

            filled++;
            if (filled >= 4 && buffer.AsSpan(filled - 4, 4).SequenceEqual("\r\n\r\n"u8))
            {
                return buffer[..(filled - 4)];
            }

            if (filled == buffer.Length)
            {
                return Result<byte[]>.Fail("too-large", $"response head exceeds {MaxHeadLength} bytes");
            }
        }
    }

    internal static string Printable(string text)
    {
        var clipped = text.Length > 80 ? text[..80] + "..." : text;
        return new string(clipped.Select(c => c is >= ' ' and < (char)0x7F ? c : '?').ToArray());
    }
}
