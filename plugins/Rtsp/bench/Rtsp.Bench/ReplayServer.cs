using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;

namespace Appliance.Plugins.Rtsp.Bench;

/// <summary>
/// A canned RTSP camera for load runs: answers OPTIONS/DESCRIBE/SETUP (TCP interleaved only)/PLAY/GET_PARAMETER/
/// TEARDOWN and replays the clip in real time (one frame per 40 ms) on every session, forever. Runs in its own
/// process so its CPU is not counted against the client under test.
/// </summary>
public sealed class ReplayServer(CannedClip clip)
{
    public async Task RunAsync(TcpListener listener, CancellationToken ct)
    {
        var sessions = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(ct);
                sessions.Add(ServeAsync(client, ct));
                sessions.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) { }
        await Task.WhenAll(sessions);
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        client.NoDelay = true;
        var stream = client.GetStream();
        var reader = PipeReader.Create(stream);
        var writeLock = new SemaphoreSlim(1, 1);
        using var sessionCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task? playing = null;
        var sessionId = Convert.ToHexString(BitConverter.GetBytes(Random.Shared.NextInt64()));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(sessionCts.Token);
                var buffer = result.Buffer;
                var requests = new List<RtspRequest>();
                while (true)
                {
                    var item = RtspMessageReader.TryRead(ref buffer, RtspParserLimits.Default);
                    if (item.Status == RtspReadStatus.Request) requests.Add(item.Request!);
                    else if (item.Status != RtspReadStatus.InterleavedFrame) break; // RTCP from the client: ignored
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                foreach (var request in requests)
                {
                    var (status, headers, body) = Answer(request, client, sessionId);
                    var cseq = request.Headers.Get("CSeq") ?? "0";
                    var text = $"RTSP/1.0 {status}\r\nCSeq: {cseq}\r\n{headers}Content-Length: {body.Length}\r\n\r\n{body}";
                    await Write(stream, writeLock, Encoding.ASCII.GetBytes(text), sessionCts.Token);
                    if (request.Method == "PLAY" && playing is null) playing = PlayAsync(stream, writeLock, sessionCts.Token);
                    if (request.Method == "TEARDOWN") return;
                }
                if (result.IsCompleted) return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException) { }
        finally
        {
            sessionCts.Cancel();
            if (playing is not null) try { await playing; } catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { }
        }
    }

    private (string Status, string Headers, string Body) Answer(RtspRequest request, TcpClient client, string session)
    {
        var local = (IPEndPoint)client.Client.LocalEndPoint!;
        var baseUrl = $"rtsp://{local.Address.MapToIPv4()}:{local.Port}/replay/";
        return request.Method switch
        {
            "OPTIONS" => ("200 OK", "Public: OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN\r\n", ""),
            "DESCRIBE" => ("200 OK", $"Content-Type: application/sdp\r\nContent-Base: {baseUrl}\r\n", Sdp()),
            "SETUP" when request.Headers.Get("Transport")?.Contains("TCP", StringComparison.OrdinalIgnoreCase) == true =>
                ("200 OK", $"Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: {session};timeout=60\r\n", ""),
            "SETUP" => ("461 Unsupported Transport", "", ""),
            "PLAY" => ("200 OK", $"Session: {session}\r\nRange: npt=0.000-\r\n", ""),
            "GET_PARAMETER" or "TEARDOWN" => ("200 OK", $"Session: {session}\r\n", ""),
            _ => ("501 Not Implemented", "", ""),
        };
    }

    private string Sdp() =>
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=replay\r\nt=0 0\r\na=control:*\r\nm=video 0 RTP/AVP 96\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=rtpmap:96 H264/90000\r\na=framerate:25\r\n" +
        $"a=fmtp:96 packetization-mode=1;sprop-parameter-sets={Convert.ToBase64String(clip.Sps)},{Convert.ToBase64String(clip.Pps)}\r\n" +
        "a=control:stream=0\r\n";

    private async Task PlayAsync(NetworkStream stream, SemaphoreSlim writeLock, CancellationToken ct)
    {
        await Task.Yield();
        ushort sequence = (ushort)Random.Shared.Next();
        var timestamp = (uint)Random.Shared.Next();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / CannedClip.Fps));
        var frameBuffer = new byte[512 * 1024];
        for (var frame = 0; await timer.WaitForNextTickAsync(ct); frame++)
        {
            var packets = clip.Frames[frame % clip.Frames.Count];
            var length = 0;
            for (var i = 0; i < packets.Count; i++)
            {
                var payload = packets[i];
                var rtpLength = 12 + payload.Length;
                frameBuffer[length] = (byte)'$';
                frameBuffer[length + 1] = 0;
                BinaryPrimitives.WriteUInt16BigEndian(frameBuffer.AsSpan(length + 2), (ushort)rtpLength);
                Protocol.Rtp.RtpPacket.Write(frameBuffer.AsSpan(length + 4), i == packets.Count - 1, 96, sequence++, timestamp, 0x5EED, payload);
                length += 4 + rtpLength;
            }
            timestamp += CannedClip.TicksPerFrame;
            await Write(stream, writeLock, frameBuffer.AsMemory(0, length), ct);
        }
    }

    private static async Task Write(NetworkStream stream, SemaphoreSlim writeLock, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await writeLock.WaitAsync(ct);
        try { await stream.WriteAsync(data, ct); }
        finally { writeLock.Release(); }
    }
}
