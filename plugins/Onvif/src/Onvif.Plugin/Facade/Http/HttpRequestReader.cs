using System.Globalization;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Http;

/// <summary>
/// Reads HTTP/1.1 requests from a connection with explicit limits: header section, header count, body size
/// (<c>Content-Length</c> only; chunked request bodies are refused, no ONVIF client sends them). Never throws on bad
/// input: a request that cannot be framed is a <see cref="Failure"/> whose code maps to a status
/// (<see cref="StatusFor"/>), and the connection is closed after answering it.
/// </summary>
public sealed class HttpRequestReader(Stream stream, int maxBodyBytes, int maxHeaderBytes = 16 * 1024, int maxHeaders = 64)
{
    private readonly byte[] _buffer = new byte[maxHeaderBytes];
    private int _start;
    private int _end;

    /// <summary>The next request; null when the peer closed the connection between requests.</summary>
    public async Task<Result<HttpRequest>?> ReadAsync(CancellationToken cancellationToken)
    {
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
                return Fail("too-large", $"request header section exceeds {maxHeaderBytes} bytes");
            var n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0) return _end == _start ? (Result<HttpRequest>?)null : Fail("truncated", "connection closed in the middle of a request header");
            _end += n;
        }
        var head = Encoding.Latin1.GetString(_buffer, _start, headerEnd);
        _start += headerEnd + 4;
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[0].Length == 0 || !requestLine[1].StartsWith('/') || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            return Fail("malformed", "malformed request line");
        if (lines.Length - 1 > maxHeaders) return Fail("too-large", $"more than {maxHeaders} header fields");
        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].Any(c => c is ' ' or '\t')) return Fail("malformed", "malformed header field");
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }
        var request = new HttpRequest(requestLine[0], requestLine[1], requestLine[2], headers, []);
        if (request.Header("Transfer-Encoding") is not null)
            return Fail("length-required", "chunked request bodies are not accepted; send Content-Length");
        var lengths = headers.Where(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).Distinct().ToList();
        if (lengths.Count > 1) return Fail("malformed", "conflicting Content-Length fields");
        long length = 0;
        if (lengths.Count == 1 && !long.TryParse(lengths[0], NumberStyles.None, CultureInfo.InvariantCulture, out length))
            return Fail("malformed", "Content-Length is not a number");
        if (length > maxBodyBytes) return Fail("too-large", $"request body of {length} bytes exceeds {maxBodyBytes} bytes");
        var body = new byte[length];
        if (length > _end - _start && (request.Header("Expect") ?? "").Equals("100-continue", StringComparison.OrdinalIgnoreCase))
            await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        var buffered = Math.Min(_end - _start, (int)length);
        Buffer.BlockCopy(_buffer, _start, body, 0, buffered);
        _start += buffered;
        var read = buffered;
        while (read < length)
        {
            var n = await stream.ReadAsync(body.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0) return Fail("truncated", $"connection closed after {read} of {length} body bytes");
            read += n;
        }
        return request with { Body = body };
    }

    /// <summary>The status that answers a framing failure.</summary>
    public static int StatusFor(Failure failure) => failure.Code switch
    {
        "too-large" => 413,
        "length-required" => 411,
        _ => 400,
    };

    private static Result<HttpRequest> Fail(string code, string message) => new Failure(code, message);
}
