using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Appliance.Testing;

namespace Appliance.Plugins.Rtsp.Tests.Shared;

/// <summary>
/// A misbehaving RTSP peer on 127.0.0.1 for bad-input tests: answers OPTIONS and DESCRIBE (one H.264 track),
/// decides each SETUP with <c>setup(connection number, transport header)</c> (null: accept, else the status line
/// to answer, e.g. "461 Unsupported Transport"), answers PLAY but sends no media. <c>describe(connection number)</c>
/// may refuse DESCRIBE the same way (e.g. "503 Service Unavailable" on the first connections). Can demand authentication first
/// (<c>challenge</c>: a WWW-Authenticate value) and describe other media (<c>sdp</c>). Records every request head it received.
/// </summary>
public sealed class ScriptedRtspServer : IDisposable
{
    private const string Sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=scripted\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:track1\r\n";
    private readonly Func<int, string, string?> _setup;
    private readonly Func<int, string?>? _describe;
    private readonly string? _challenge;
    private readonly string _sdp;
    private readonly LoopbackTcpServer _server;
    private int _connections;

    public ScriptedRtspServer(Func<int, string, string?> setup, string? challenge = null, string? sdp = null, Func<int, string?>? describe = null)
    {
        _setup = setup;
        _describe = describe;
        _challenge = challenge;
        _sdp = sdp ?? Sdp;
        _server = new LoopbackTcpServer(ServeAsync);
    }

    public int Port => _server.Port;
    public string Url => $"rtsp://127.0.0.1:{Port}/cam";
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Every request head received (request line and headers).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        var connection = Interlocked.Increment(ref _connections);
        var stream = client.GetStream();
        while (!ct.IsCancellationRequested)
        {
            var head = await ReadHeadAsync(stream, ct);
            if (head is null) return;
            Requests.Enqueue(head);
            var lines = head.Split("\r\n");
            var method = lines[0].Split(' ')[0];
            string Header(string name) => lines.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim() ?? "";
            var cseq = Header("CSeq");
            string answer;
            if (_challenge is not null && Header("Authorization") == "" && method != "OPTIONS")
                answer = $"RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq}\r\nWWW-Authenticate: {_challenge}\r\n\r\n";
            else if (method == "OPTIONS")
                answer = $"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n";
            else if (method == "DESCRIBE" && _describe?.Invoke(connection) is { } refused)
                answer = $"RTSP/1.0 {refused}\r\nCSeq: {cseq}\r\n\r\n";
            else if (method == "DESCRIBE")
                answer = $"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nContent-Type: application/sdp\r\nContent-Base: {Url}/\r\nContent-Length: {_sdp.Length}\r\n\r\n{_sdp}";
            else if (method == "SETUP")
            {
                var transport = Header("Transport");
                answer = _setup(connection, transport) is { } refusal
                    ? $"RTSP/1.0 {refusal}\r\nCSeq: {cseq}\r\n\r\n"
                    : $"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nSession: 12345678;timeout=60\r\nTransport: {Echo(transport)}\r\n\r\n";
            }
            else
                answer = $"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nSession: 12345678\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), ct);
        }
    }

    /// <summary>The accepted transport: the request's, with server ports for UDP.</summary>
    private static string Echo(string transport) =>
        transport.Contains("TCP", StringComparison.Ordinal) ? transport : transport + ";server_port=40000-40001";

    /// <summary>The request head without its empty line; null when the client closed first or sent more than 16 KiB.</summary>
    private static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = await MessageHead.ReadAsync(stream, 16 * 1024, ct);
        return MessageHead.IsComplete(head) ? head[..^MessageHead.End.Length] : null;
    }

    public void Dispose() => _server.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
}
