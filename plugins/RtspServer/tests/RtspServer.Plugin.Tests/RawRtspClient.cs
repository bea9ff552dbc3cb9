using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;

namespace Appliance.Plugins.RtspServer.Plugin.Tests;

/// <summary>
/// A bare RTSP client on one TCP connection for tests: sends requests as text, reads responses and interleaved
/// frames with the protocol library's reader (so it sees exactly what the server wrote).
/// </summary>
public sealed class RawRtspClient : IAsyncDisposable
{
    private readonly TcpClient _tcp = new(AddressFamily.InterNetwork); // one socket from the start, so options set before connecting stick
    private NetworkStream? _stream;
    private byte[] _buffer = new byte[256 * 1024];
    private int _filled;
    private int _start;
    private int _cseq;

    public static async Task<RawRtspClient> ConnectAsync(int port, int? receiveBuffer = null)
    {
        var client = new RawRtspClient();
        if (receiveBuffer is { } size) client._tcp.ReceiveBufferSize = size;
        await client._tcp.ConnectAsync("127.0.0.1", port);
        client._stream = client._tcp.GetStream();
        return client;
    }

    public Socket Socket => _tcp.Client;

    public string? Session { get; private set; }

    /// <summary>Interleaved frames that came before the last response (skipped by <see cref="RequestAsync"/>, as ffmpeg does).</summary>
    public int FramesBeforeLastResponse { get; private set; }

    /// <summary>Sends raw bytes (hostile tests).</summary>
    public Task SendRawAsync(byte[] data, CancellationToken ct = default) => _stream!.WriteAsync(data, ct).AsTask();

    /// <summary>Sends a request with CSeq (and Session once known) and returns the response, skipping interleaved frames.</summary>
    public async Task<RtspResponse> RequestAsync(string method, string uri, string? extraHeaders = null, CancellationToken ct = default)
    {
        var text = new StringBuilder();
        text.Append($"{method} {uri} RTSP/1.0\r\nCSeq: {++_cseq}\r\n");
        if (Session is not null) text.Append($"Session: {Session}\r\n");
        if (extraHeaders is not null) text.Append(extraHeaders);
        text.Append("\r\n");
        await SendRawAsync(Encoding.ASCII.GetBytes(text.ToString()), ct);
        FramesBeforeLastResponse = 0;
        while (true)
        {
            var item = await ReadAsync(ct);
            if (item.Response is { } response)
            {
                if (response.Headers.Get("Session") is { } s) Session = s.Split(';')[0];
                return response;
            }
            FramesBeforeLastResponse++;
        }
    }

    /// <summary>Reads the next response or interleaved frame (its channel and bytes); null response at end of stream throws.</summary>
    public async Task<(RtspResponse? Response, int Channel, byte[]? Frame)> ReadAsync(CancellationToken ct = default)
    {
        while (true)
        {
            var seq = new ReadOnlySequence<byte>(_buffer, _start, _filled - _start);
            var result = RtspMessageReader.TryRead(ref seq, RtspParserLimits.Default);
            if (result.Status is RtspReadStatus.Response or RtspReadStatus.InterleavedFrame)
            {
                var item = result.Status == RtspReadStatus.Response ? (result.Response, -1, (byte[]?)null) : ((RtspResponse?)null, (int)result.Channel, result.Payload.ToArray());
                _start = _filled - (int)seq.Length;
                return item;
            }
            if (result.Status == RtspReadStatus.Error) throw new InvalidDataException(result.Error);
            // Compact only when more bytes are needed (copying after every item would cost more than the test measures).
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _filled - _start);
            _filled -= _start;
            _start = 0;
            var n = await _stream!.ReadAsync(_buffer.AsMemory(_filled), ct);
            if (n == 0) throw new EndOfStreamException("server closed the connection");
            _filled += n;
        }
    }

    /// <summary>DESCRIBE, SETUP of track 0 interleaved, PLAY.</summary>
    public async Task PlayTcpAsync(string url, CancellationToken ct = default)
    {
        var describe = await RequestAsync("DESCRIBE", url, "Accept: application/sdp\r\n", ct);
        if (describe.StatusCode != 200) throw new InvalidOperationException($"DESCRIBE: {describe.Status}");
        var setup = await RequestAsync("SETUP", url + "/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n", ct);
        if (setup.StatusCode != 200) throw new InvalidOperationException($"SETUP: {setup.Status}");
        var play = await RequestAsync("PLAY", url, null, ct);
        if (play.StatusCode != 200) throw new InvalidOperationException($"PLAY: {play.Status}");
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
