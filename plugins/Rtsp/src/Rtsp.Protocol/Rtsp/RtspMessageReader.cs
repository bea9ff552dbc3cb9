using Appliance.Abstractions;
using System.Buffers;
using System.Globalization;
using System.Text;

namespace Appliance.Plugins.Rtsp.Protocol.Rtsp;

public enum RtspReadStatus { NeedMoreData, Response, Request, InterleavedFrame, Error }

/// <summary>What <see cref="RtspMessageReader.TryRead"/> found at the front of the buffer.</summary>
public readonly struct RtspReadResult
{
    private RtspReadResult(RtspReadStatus status, RtspResponse? response, RtspRequest? request, byte channel, ReadOnlySequence<byte> payload, string? error)
    {
        Status = status;
        Response = response;
        Request = request;
        Channel = channel;
        Payload = payload;
        Error = error;
    }

    public RtspReadStatus Status { get; }
    public RtspResponse? Response { get; }
    public RtspRequest? Request { get; }

    /// <summary>Interleaved channel (RFC 2326 §10.12) of an <see cref="RtspReadStatus.InterleavedFrame"/>.</summary>
    public byte Channel { get; }

    /// <summary>The frame's payload: a slice of the input, valid until the caller advances its reader.</summary>
    public ReadOnlySequence<byte> Payload { get; }

    public string? Error { get; }

    internal static RtspReadResult NeedMore => default;
    internal static RtspReadResult Fail(string error) => new(RtspReadStatus.Error, null, null, 0, default, error);
    internal static RtspReadResult Of(RtspResponse r) => new(RtspReadStatus.Response, r, null, 0, default, null);
    internal static RtspReadResult Of(RtspRequest r) => new(RtspReadStatus.Request, null, r, 0, default, null);
    internal static RtspReadResult Frame(byte channel, ReadOnlySequence<byte> payload) => new(RtspReadStatus.InterleavedFrame, null, null, channel, payload, null);
}

/// <summary>
/// Incremental reader of what an RTSP server sends on its TCP connection: responses, server requests and
/// '$'-framed interleaved RTP/RTCP. Never throws on bad input: returns <see cref="RtspReadStatus.Error"/> with the reason.
/// </summary>
public static class RtspMessageReader
{
    /// <summary>
    /// Parses one item from the front of <paramref name="buffer"/>. On success the buffer is sliced past it;
    /// on <see cref="RtspReadStatus.NeedMoreData"/> or <see cref="RtspReadStatus.Error"/> it is left as it was
    /// (except leading blank lines, which are skipped).
    /// </summary>
    public static RtspReadResult TryRead(ref ReadOnlySequence<byte> buffer, RtspParserLimits limits)
    {
        var reader = new SequenceReader<byte>(buffer);
        // Blank lines between messages are allowed (some servers send CRLF pings).
        reader.AdvancePastAny((byte)'\r', (byte)'\n');
        buffer = buffer.Slice(reader.Position);
        if (!reader.TryPeek(out var first)) return RtspReadResult.NeedMore;

        if (first == (byte)'$') return ReadInterleaved(ref buffer, ref reader);
        if (first is < (byte)'A' or > (byte)'Z')
            return RtspReadResult.Fail($"unexpected byte 0x{first:X2} where an RTSP message or '$' frame should start");
        return ReadMessage(ref buffer, ref reader, limits);
    }

    private static RtspReadResult ReadInterleaved(ref ReadOnlySequence<byte> buffer, ref SequenceReader<byte> reader)
    {
        if (reader.Remaining < 4) return RtspReadResult.NeedMore;
        Span<byte> head = stackalloc byte[4];
        reader.TryCopyTo(head);
        var length = (head[2] << 8) | head[3];
        if (reader.Remaining < 4 + length) return RtspReadResult.NeedMore;
        var payload = buffer.Slice(4, length);
        buffer = buffer.Slice(4 + length);
        return RtspReadResult.Frame(head[1], payload);
    }

    private static RtspReadResult ReadMessage(ref ReadOnlySequence<byte> buffer, ref SequenceReader<byte> reader, RtspParserLimits limits)
    {
        string? startLine = null;
        var headers = new RtspHeaders();
        var headBytes = 0L;
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                var pending = reader.Remaining;
                if (pending > limits.MaxLineBytes) return RtspReadResult.Fail($"header line longer than {limits.MaxLineBytes} bytes");
                if (headBytes + pending > limits.MaxHeaderSectionBytes)
                    return RtspReadResult.Fail($"header section larger than {limits.MaxHeaderSectionBytes} bytes");
                return RtspReadResult.NeedMore;
            }
            headBytes += line.Length + 1;
            if (line.Length > limits.MaxLineBytes) return RtspReadResult.Fail($"header line longer than {limits.MaxLineBytes} bytes");
            if (headBytes > limits.MaxHeaderSectionBytes) return RtspReadResult.Fail($"header section larger than {limits.MaxHeaderSectionBytes} bytes");
            var text = Decode(line);
            if (text.Length > 0 && text[^1] == '\r') text = text[..^1];
            if (text.Contains('\0')) return RtspReadResult.Fail("NUL byte in RTSP header section");
            if (startLine is null)
            {
                startLine = text;
                continue;
            }
            if (text.Length == 0) break;
            if (text[0] is ' ' or '\t')
            {
                if (!headers.AppendToLast(text.Trim())) return RtspReadResult.Fail("continuation line before any header");
                continue;
            }
            var colon = text.IndexOf(':');
            if (colon <= 0) return RtspReadResult.Fail($"malformed header line '{Truncate(text)}'");
            if (headers.Count >= limits.MaxHeaderCount) return RtspReadResult.Fail($"more than {limits.MaxHeaderCount} headers");
            var name = text[..colon].Trim();
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127)) return RtspReadResult.Fail($"malformed header name '{Truncate(name)}'");
            headers.AddUnchecked(name, text[(colon + 1)..].Trim());
        }

        var lengthResult = ContentLength(headers, limits);
        if (!lengthResult.IsOk) return RtspReadResult.Fail(lengthResult.Failure!.Message);
        var contentLength = lengthResult.Value;
        if (reader.Remaining < contentLength) return RtspReadResult.NeedMore;
        var body = new byte[contentLength];
        reader.TryCopyTo(body);
        reader.Advance(contentLength);

        var consumed = reader.Position;
        if (startLine.StartsWith("RTSP/", StringComparison.Ordinal))
        {
            var parsed = ParseStatusLine(startLine);
            if (!parsed.IsOk) return RtspReadResult.Fail(parsed.Failure!.Message);
            buffer = buffer.Slice(consumed);
            var (version, status, reason) = parsed.Value;
            return RtspReadResult.Of(new RtspResponse(version, status, reason, headers, body));
        }
        var request = ParseRequestLine(startLine, headers, body);
        if (!request.IsOk) return RtspReadResult.Fail(request.Failure!.Message);
        buffer = buffer.Slice(consumed);
        return RtspReadResult.Of(request.Value);
    }

    private static Result<int> ContentLength(RtspHeaders headers, RtspParserLimits limits)
    {
        int? length = null;
        foreach (var value in headers.GetAll("Content-Length"))
        {
            if (value.Length == 0 || value.Length > 10 || !value.All(char.IsAsciiDigit))
                return Result<int>.Fail("malformed", $"invalid Content-Length '{Truncate(value)}'");
            var parsed = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
            if (parsed > limits.MaxContentLength) return Result<int>.Fail("too-large", $"Content-Length {parsed} exceeds the limit of {limits.MaxContentLength} bytes");
            if (length is { } previous && previous != parsed) return Result<int>.Fail("malformed", "conflicting Content-Length headers");
            length = (int)parsed;
        }
        return length ?? 0;
    }

    private static Result<(string Version, int Status, string Reason)> ParseStatusLine(string line)
    {
        var firstSpace = line.IndexOf(' ');
        if (firstSpace < 0) return StatusLineFailure($"malformed status line '{Truncate(line)}'");
        var version = line[..firstSpace];
        if (version != "RTSP/1.0" && version != "RTSP/1.1")
            return StatusLineFailure($"unsupported RTSP version '{Truncate(version)}' (RTSP/1.0 expected)");
        var rest = line[(firstSpace + 1)..];
        var secondSpace = rest.IndexOf(' ');
        var code = secondSpace < 0 ? rest : rest[..secondSpace];
        if (code.Length != 3 || !code.All(char.IsAsciiDigit) || code[0] == '0')
            return StatusLineFailure($"malformed status code '{Truncate(code)}'");
        var reason = secondSpace < 0 ? "" : rest[(secondSpace + 1)..].Trim();
        return (version, int.Parse(code, CultureInfo.InvariantCulture), reason);
    }

    private static Result<(string Version, int Status, string Reason)> StatusLineFailure(string message) =>
        Result<(string Version, int Status, string Reason)>.Fail("malformed", message);

    private static Result<RtspRequest> ParseRequestLine(string line, RtspHeaders headers, byte[] body)
    {
        var parts = line.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("RTSP/1.", StringComparison.Ordinal) || parts[0].Any(c => c is < 'A' or > 'Z' and not '_'))
            return Result<RtspRequest>.Fail("malformed", $"malformed request line '{Truncate(line)}'");
        var request = new RtspRequest(parts[0], parts[1]) { Body = body };
        foreach (var h in headers.Items) request.Headers.AddUnchecked(h.Key, h.Value);
        return request;
    }

    private static string Decode(ReadOnlySequence<byte> line) =>
        line.IsSingleSegment ? Encoding.Latin1.GetString(line.FirstSpan) : Encoding.Latin1.GetString(line.ToArray());

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
