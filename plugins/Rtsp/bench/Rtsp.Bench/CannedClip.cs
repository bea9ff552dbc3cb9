using System.Diagnostics;
using Appliance.Plugins.Rtsp.Protocol.Rtp;

namespace Appliance.Plugins.Rtsp.Bench;

/// <summary>
/// Two seconds of real 1080p25 H.264 at ~4 Mbit/s (ffmpeg libx264 encodes testsrc2 once, at start-up),
/// split into access units and packetized as RFC 6184 single NAL / FU-A packets of at most 1400 bytes.
/// </summary>
public sealed class CannedClip
{
    public const int Mtu = 1400;
    public const int Fps = 25;
    public const int TicksPerFrame = 90000 / Fps;

    private CannedClip(List<List<byte[]>> frames, byte[] sps, byte[] pps)
    {
        Frames = frames;
        Sps = sps;
        Pps = pps;
    }

    /// <summary>Per frame, its RTP payloads (marker on the last).</summary>
    public List<List<byte[]>> Frames { get; }
    public byte[] Sps { get; }
    public byte[] Pps { get; }
    public int PacketCount => Frames.Sum(f => f.Count);
    public long Bytes => Frames.Sum(f => f.Sum(p => (long)p.Length));

    /// <param name="cacheFile">Where to keep the encoded clip between runs (encoded once); null: a temporary file.</param>
    public static CannedClip Create(string? cacheFile = null)
    {
        if (cacheFile is not null && File.Exists(cacheFile)) return FromAnnexB(File.ReadAllBytes(cacheFile));
        var file = Path.Combine(Path.GetTempPath(), $"rtsp-bench-clip-{Environment.ProcessId}.h264");
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/ffmpeg",
                $"-nostdin -loglevel error -y -f lavfi -i testsrc2=size=1920x1080:rate={Fps} -t 2 -c:v libx264 -preset ultrafast -tune zerolatency " +
                $"-b:v 4M -maxrate 4M -bufsize 1M -g 50 -f h264 {file}")
            { RedirectStandardError = true };
            using (var p = Process.Start(psi)!)
            {
                var error = p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) throw new InvalidOperationException("ffmpeg could not encode the clip: " + error);
            }
            var clip = FromAnnexB(File.ReadAllBytes(file));
            if (cacheFile is not null) File.Copy(file, cacheFile, overwrite: true);
            return clip;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static CannedClip FromAnnexB(byte[] data)
    {
        var nals = SplitAnnexB(data);
        var sps = nals.First(n => (n[0] & 0x1F) == 7);
        var pps = nals.First(n => (n[0] & 0x1F) == 8);
        var units = new List<List<byte[]>>();
        var current = new List<byte[]>();
        var hasVcl = false;
        foreach (var nal in nals)
        {
            var type = nal[0] & 0x1F;
            var vcl = type is >= 1 and <= 5;
            if (hasVcl && (vcl ? FirstMbIsZero(nal) : type is 6 or 7 or 8 or 9))
            {
                units.Add(current);
                current = new List<byte[]>();
                hasVcl = false;
            }
            current.Add(nal);
            hasVcl |= vcl;
        }
        if (current.Count > 0) units.Add(current);
        return new CannedClip(units.Select(Packetize).ToList(), sps, pps);
    }

    private static bool FirstMbIsZero(byte[] nal) => nal.Length > 1 && (nal[1] & 0x80) != 0; // ue(v) first_mb_in_slice == 0

    private static List<byte[]> Packetize(List<byte[]> unit)
    {
        var packets = new List<byte[]>();
        foreach (var nal in unit)
        {
            if (nal.Length <= Mtu)
            {
                packets.Add(nal);
                continue;
            }
            var body = nal.AsSpan(1);
            for (var offset = 0; offset < body.Length; offset += Mtu - 2)
            {
                var size = Math.Min(Mtu - 2, body.Length - offset);
                var fu = new byte[size + 2];
                fu[0] = (byte)((nal[0] & 0xE0) | 28);
                fu[1] = (byte)((nal[0] & 0x1F) | (offset == 0 ? 0x80 : 0) | (offset + size == body.Length ? 0x40 : 0));
                body.Slice(offset, size).CopyTo(fu.AsSpan(2));
                packets.Add(fu);
            }
        }
        return packets;
    }

    private static List<byte[]> SplitAnnexB(byte[] data)
    {
        var starts = new List<(int Start, int CodeLength)>();
        for (var i = 0; i + 2 < data.Length; i++)
        {
            if (data[i] != 0 || data[i + 1] != 0) continue;
            if (data[i + 2] == 1) { starts.Add((i + 3, 3)); i += 2; }
            else if (i + 3 < data.Length && data[i + 2] == 0 && data[i + 3] == 1) { starts.Add((i + 4, 4)); i += 3; }
        }
        var nals = new List<byte[]>();
        for (var k = 0; k < starts.Count; k++)
        {
            var end = k + 1 < starts.Count ? starts[k + 1].Start - starts[k + 1].CodeLength : data.Length;
            while (end > starts[k].Start && data[end - 1] == 0) end--;
            nals.Add(data[starts[k].Start..end]);
        }
        return nals;
    }

    /// <summary>All packets of the clip as RTP (sequence numbers from <paramref name="firstSequence"/>, timestamps from <paramref name="firstTimestamp"/>).</summary>
    public List<byte[]> RtpPackets(ushort firstSequence, uint firstTimestamp, uint ssrc)
    {
        var list = new List<byte[]>();
        var seq = firstSequence;
        for (var f = 0; f < Frames.Count; f++)
        {
            var frame = Frames[f];
            for (var i = 0; i < frame.Count; i++)
            {
                var buffer = new byte[12 + frame[i].Length];
                RtpPacket.Write(buffer, i == frame.Count - 1, 96, seq++, firstTimestamp + (uint)(f * TicksPerFrame), ssrc, frame[i]);
                list.Add(buffer);
            }
        }
        return list;
    }
}
