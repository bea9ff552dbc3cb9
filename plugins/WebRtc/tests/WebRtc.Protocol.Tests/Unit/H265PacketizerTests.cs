using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Appliance.Plugins.WebRtc.Protocol.Rtp;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Unit;

/// <summary>
/// H.265 RTP packetization (RFC 7798) checked by an independent depacketizer and decoder: an ffmpeg (libx265) clip
/// is packetized with a small payload budget (so large NAL units become FUs) and sent as plain RTP over loopback
/// to GStreamer's rtph265depay ! avdec_h265, which must decode every frame; plus the FU header bits themselves.
/// </summary>
public sealed class H265PacketizerTests
{
    [Fact]
    public void Large_nal_units_become_type_49_fragments_with_start_and_end_bits_and_the_marker_on_the_last()
    {
        // One IDR_W_RADL NAL (type 19: header 0x26 0x01) of 1000 bytes after a start code.
        var nal = new byte[1000];
        nal[0] = 0x26;
        nal[1] = 0x01;
        for (var i = 2; i < nal.Length; i++) nal[i] = (byte)i;
        var unit = new byte[] { 0, 0, 0, 1 }.Concat(nal).ToArray();
        var packets = new List<byte[]>();
        ushort seq = 0;
        var count = new NalPacketizer(400, NalFormat.H265).Packetize(unit, 1234, 5678, 98, () => seq++, p => packets.Add(p.ToArray()));
        Assert.Equal(3, count);
        Assert.All(packets, p => Assert.Equal(49, (p[12] >> 1) & 0x3F));
        Assert.All(packets, p => Assert.Equal(0x01, p[13]));
        Assert.Equal(0x80 | 19, packets[0][14]);
        Assert.Equal(19, packets[1][14]);
        Assert.Equal(0x40 | 19, packets[2][14]);
        Assert.Equal([false, false, true], packets.Select(p => (p[1] & 0x80) != 0));
        // The fragments carry the NAL body (after its two-byte header) in order, nothing lost.
        Assert.Equal(nal[2..], packets.SelectMany(p => p[15..]).ToArray());
    }

    [Fact]
    public async Task Gstreamer_depacketizes_and_decodes_every_frame_of_an_x265_clip()
    {
        var folder = Directory.CreateTempSubdirectory("appl-h265-").FullName;
        try
        {
            var clip = Path.Combine(folder, "clip.h265");
            await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "2",
                "-c:v", "libx265", "-x265-params", "aud=1:repeat-headers=1:keyint=10:log-level=none", "-f", "hevc", clip]);
            var units = SplitAtAud(await File.ReadAllBytesAsync(clip));
            Assert.Equal(50, units.Count);

            var port = FreePort.Udp();
            var psi = new ProcessStartInfo("gst-launch-1.0", ["-v", "udpsrc", "address=127.0.0.1", $"port={port}",
                "caps=application/x-rtp,media=video,encoding-name=H265,clock-rate=90000,payload=98", "!", "rtpjitterbuffer", "latency=200", "!",
                "rtph265depay", "!", "h265parse", "!", "avdec_h265", "!", "fakesink", "silent=false", "sync=false"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var gst = Process.Start(psi)!;
            var output = new System.Text.StringBuilder();
            gst.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            gst.BeginOutputReadLine();
            gst.BeginErrorReadLine();
            await Task.Delay(1500); // the pipeline reaches PLAYING

            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var target = new IPEndPoint(IPAddress.Loopback, port);
            var packetizer = new NalPacketizer(400, NalFormat.H265);
            ushort seq = 1;
            var fragments = 0;
            for (var i = 0; i < units.Count; i++)
            {
                packetizer.Packetize(units[i], (uint)(i * 3600), 0x1234, 98, () => seq++, p =>
                {
                    if (((p[12] >> 1) & 0x3F) == 49) fragments++;
                    socket.SendTo(p, target);
                });
                await Task.Delay(10);
            }
            await Task.Delay(1500);
            gst.Kill(entireProcessTree: true);
            await gst.WaitForExitAsync();
            string text;
            lock (output) text = output.ToString();
            var decoded = Regex.Matches(text, @"fakesink0.*last-message = chain").Count;
            Assert.True(fragments > 0, "no FU was sent: the test would not exercise fragmentation");
            // The last frame may sit in the decoder when the pipeline is killed.
            Assert.True(decoded >= units.Count - 2, $"GStreamer decoded {decoded} of {units.Count} frames\n{text[^Math.Min(text.Length, 2000)..]}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static List<byte[]> SplitAtAud(byte[] stream)
    {
        var starts = new List<int>();
        for (var i = 0; i + 4 < stream.Length; i++)
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1 && ((stream[i + 3] >> 1) & 0x3F) == 35) starts.Add(i > 0 && stream[i - 1] == 0 ? i - 1 : i);
        return starts.Select((s, k) => stream[s..(k + 1 < starts.Count ? starts[k + 1] : stream.Length)]).ToList();
    }

    private static async Task RunAsync(string file, string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"{file}: {error}");
    }
}
