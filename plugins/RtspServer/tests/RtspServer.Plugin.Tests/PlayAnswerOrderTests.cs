namespace Appliance.Plugins.RtspServer.Plugin.Tests;

/// <summary>
/// A joining client's media starts after the PLAY answer, with the keyframe of the GOP cache. ffmpeg skips the
/// interleaved frames it reads while waiting for an answer; media written before the answer cost it the keyframe,
/// and its first frames said "Missing reference picture" (seen on the media plugin's SD stream). Before the fix
/// this test saw 4 interleaved frames ahead of the answer within 300 joins (the race is the media loop's start
/// against the answer's write, so it needs many joins).
/// </summary>
public sealed class PlayAnswerOrderTests
{
    [Fact]
    public async Task Three_hundred_clients_joining_mid_GOP_get_the_PLAY_answer_before_any_media_and_then_a_keyframe_first()
    {
        await using var rig = await ServerRig.StartAsync("--width 640 --height 360 --fps 25 --keyint 50", "\"authentication\":\"none\"");
        await ServerRig.Until(() => rig.Hub.GetStatistics(ServerRig.StreamName) is { GopUnits: > 5 }, "a GOP cache to join at");
        for (var join = 0; join < 300; join++)
        {
            await using var client = await RawRtspClient.ConnectAsync(rig.Port);
            await client.PlayTcpAsync(rig.Url);
            Assert.Equal(0, client.FramesBeforeLastResponse);
            var first = await client.ReadAsync();
            Assert.Equal(0, first.Channel);
            Assert.True(StartsKeyframe(first.Frame!), $"join {join}: first RTP payload starts with NAL header 0x{first.Frame![12]:X2}");
        }
    }

    /// <summary>Whether an H.264 RTP packet (RFC 6184, no CSRC or extension) begins a keyframe: SPS, PPS or IDR alone,
    /// in a STAP-A, or the first fragment of an IDR.</summary>
    private static bool StartsKeyframe(byte[] rtp)
    {
        var type = rtp[12] & 0x1f;
        return type switch
        {
            5 or 7 or 8 => true,
            24 => (rtp[15] & 0x1f) is 5 or 7 or 8, // STAP-A: the first aggregated unit's header after its 2-byte size
            28 => (rtp[13] & 0x80) != 0 && (rtp[13] & 0x1f) == 5, // FU-A start of an IDR
            _ => false,
        };
    }
}
