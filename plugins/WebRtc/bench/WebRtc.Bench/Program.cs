using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Appliance.Benchmarking;
using Appliance.Plugins.WebRtc.Bench;
using Appliance.Plugins.WebRtc.Protocol.Srtp;

// SRTP protect throughput (1200-byte RTP payloads, the size a 1080p keyframe is cut into) for both profiles, next to
// OpenSSL's AES-128-CTR on 1024-byte blocks measured now on this machine; then WHEP POST to first decoded frame in
// Chromium next to aiortc, and per-viewer cost (FirstFrameBench). One `bench:` line per figure (BenchReport);
// exit 1 when a target is NOT met. --smoke: a fraction of a second each, no verdicts. Optional: seconds per figure.
const int Payload = 1200;
var report = BenchReport.FromArgs(args);
var seconds = report.Smoke ? 0.2
    : args.FirstOrDefault(a => !a.StartsWith('-')) is { } given && double.TryParse(given, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 3.0;

var openSsl = OpenSslAesCtrMegabytesPerSecond((int)Math.Ceiling(seconds));
if (openSsl is { } reference) report.Add(new BenchFigure("openssl-aes-128-ctr-reference", reference, "MB/s", null, null));
foreach (var profile in new[] { SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AeadAes128Gcm })
{
    var mbps = ProtectMegabytesPerSecond(profile, seconds);
    // Target: a quarter of raw AES-CTR, i.e. ~100 1080p viewers' worth of SRTP on one core with room to spare.
    // Without openssl there is no ratio, and the figure is NOT met (nothing to compare with).
    report.Add(new BenchFigure($"srtp-protect-{profile}", mbps, "MB/s", mbps / openSsl, 0.25, Better.Higher, TargetIsRatio: true));
}
await FirstFrameBench.RunAsync(report);
return report.ExitCode();

static double ProtectMegabytesPerSecond(SrtpProfile profile, double seconds)
{
    var key = new SrtpMasterKey(profile, Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(), new byte[profile.MasterSaltLength()]);
    using var srtp = new SrtpSession(key);
    var packet = new byte[12 + Payload + SrtpSession.MaxOverhead];
    packet[0] = 0x80;
    packet[1] = 102;
    BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x12345678);
    ushort seq = 0;
    for (var i = 0; i < 2000; i++) Protect(); // warm-up
    long bytes = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        for (var i = 0; i < 1000; i++) Protect();
        bytes += 1000L * Payload;
    }
    return bytes / clock.Elapsed.TotalSeconds / 1e6;

    void Protect()
    {
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), seq++);
        srtp.ProtectRtp(packet, 12 + Payload);
    }
}

static double? OpenSslAesCtrMegabytesPerSecond(int seconds)
{
    try
    {
        var psi = new ProcessStartInfo("openssl", $"speed -evp aes-128-ctr -seconds {seconds} -bytes 1024") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        // Last line: "AES-128-CTR  123456.78k" (1000s of bytes per second).
        var m = Regex.Match(output, @"aes-128-ctr\s+([0-9.]+)k", RegexOptions.IgnoreCase | RegexOptions.RightToLeft);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1000 / 1e6 : null;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return null;
    }
}
