using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;

namespace Appliance.Plugins.Rtsp.Protocol.Client;

/// <summary>The loops of a playing session: UDP receive, keep-alive, receiver reports, media watchdog.</summary>
public sealed partial class RtspPullSession
{
    private const string Cname = "appliance-rtsp";
    private long _receiverReportErrors;

    public long ReceiverReportErrors => Interlocked.Read(ref _receiverReportErrors);

    public string? LastReceiverReportError { get; private set; }

    private void StartLoops(RtspClient client, RtspPullDescription description, RtspUrl url, List<Task> loops, CancellationToken ct)
    {
        List<TrackState> tracks;
        lock (_tracks) tracks = _tracks.ToList();
        foreach (var t in tracks)
        {
            if (t.Ports is null) continue;
            loops.Add(UdpLoopAsync(t, t.Ports.Rtp, rtcp: false, ct));
            loops.Add(UdpLoopAsync(t, t.Ports.Rtcp, rtcp: true, ct));
        }
        loops.Add(KeepAliveLoopAsync(client, description, url, ct));
        loops.Add(ReceiverReportLoopAsync(client, tracks, ct));
        loops.Add(WatchdogLoopAsync(tracks, ct));
    }

    private async Task UdpLoopAsync(TrackState track, Socket socket, bool rtcp, CancellationToken ct)
    {
        await Task.Yield();
        var buffer = _options.Pool.Rent(65536);
        var from = new SocketAddress(socket.AddressFamily);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var received = await socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, from, ct).ConfigureAwait(false);
                if (!track.Receiver.AcceptsFrom(from, rtcp)) continue;
                if (rtcp) track.Receiver.OnRtcpDatagram(buffer.AsSpan(0, received));
                else track.Receiver.OnRtpDatagram(buffer.AsSpan(0, received));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (SocketException e) when (!ct.IsCancellationRequested)
        {
            End(RtspPullEnd.ConnectionLost, $"UDP receive on port {((IPEndPoint)socket.LocalEndPoint!).Port} failed: {e.SocketErrorCode}");
        }
        catch (ObjectDisposedException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            _options.Pool.Return(buffer);
        }
    }

    private async Task KeepAliveLoopAsync(RtspClient client, RtspPullDescription description, RtspUrl url, CancellationToken ct)
    {
        var period = _options.KeepAliveInterval ?? TimeSpan.FromSeconds(Math.Max(1, description.SessionTimeoutSeconds / 2.0));
        var useGetParameter = description.KeepAliveWithGetParameter;
        using var timer = new PeriodicTimer(period, _options.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var method = useGetParameter ? "GET_PARAMETER" : "OPTIONS";
                var response = await client.SendAsync(method, useGetParameter ? _playUrl ?? url.RequestUri : url.RequestUri, null, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _keepAlivesSent);
                if (useGetParameter && response.StatusCode is 405 or 501 or 551)
                {
                    useGetParameter = false;
                }
                else if (response.StatusCode == 454)
                {
                    End(RtspPullEnd.KeepAliveFailed, $"keep-alive {method}: {response.Status}");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (RtspConnectionException e)
        {
            End(RtspPullEnd.KeepAliveFailed, "keep-alive: " + e.Message);
        }
    }

    private async Task ReceiverReportLoopAsync(RtspClient client, IReadOnlyList<TrackState> tracks, CancellationToken ct)
    {
        var reporter = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
        var buffer = new byte[512];
        var remote = client.RemoteAddress;
        using var timer = new PeriodicTimer(_options.ReceiverReportInterval, _options.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                foreach (var t in tracks)
                {
                    if (t.Receiver.Statistics.Received == 0) continue;
                    var length = t.Receiver.WriteReceiverReport(buffer, reporter, Cname);
                    if (t.Ports is null)
                    {
                        await client.SendInterleavedAsync((byte)t.Channels.Second, buffer.AsMemory(0, length), ct).ConfigureAwait(false);
                    }
                    else if (RemoteRtcp(t, remote) is { } endpoint)
                    {
                        try
                        {
                            await t.Ports.Rtcp.SendToAsync(buffer.AsMemory(0, length), SocketFlags.None, endpoint, ct).ConfigureAwait(false);
                        }
                        catch (SocketException e) when (!ct.IsCancellationRequested)
                        {
                            // Reports are advisory: a failed send is counted, the media keeps flowing.
                            Interlocked.Increment(ref _receiverReportErrors);
                            LastReceiverReportError = $"RTCP send to {endpoint} failed: {e.SocketErrorCode}";
                            continue;
                        }
                    }
                    else continue;
                    Interlocked.Increment(ref _receiverReportsSent);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (RtspConnectionException)
        {
            // The read loop reports the broken connection.
        }
    }

    private async Task WatchdogLoopAsync(IReadOnlyList<TrackState> tracks, CancellationToken ct)
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_options.MediaTimeout.TotalMilliseconds / 4, 50, 1000));
        using var timer = new PeriodicTimer(period, _options.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var latest = tracks.Max(t => t.Receiver.LastPacketAt);
                var idle = _options.Time.GetElapsedTime(latest);
                if (!tracks.Any(t => t.Receiver.AnyPacket) && idle > (_options.FirstMediaTimeout ?? _options.MediaTimeout))
                {
                    var seconds = (_options.FirstMediaTimeout ?? _options.MediaTimeout).TotalSeconds;
                    End(RtspPullEnd.NoMediaAfterPlay, $"no RTP received within {seconds:0.#} s after PLAY over {(tracks.Any(t => t.Ports is not null) ? "UDP" : "TCP")}");
                    return;
                }
                if (idle > _options.MediaTimeout)
                {
                    End(RtspPullEnd.MediaTimeout, $"no RTP received for {_options.MediaTimeout.TotalSeconds:0.#} s");
                    return;
                }
                if (tracks.All(t => t.Receiver.ByeReceived))
                {
                    End(RtspPullEnd.ServerEnded, "server ended the stream (RTCP BYE)");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
