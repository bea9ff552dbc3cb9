using System.Text.Json;
using Appliance.Testing;
using Microsoft.Playwright;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Support;

/// <summary>
/// Headless Debian Chromium (Playwright, no browser download) as a WHEP viewer. ICE servers are always explicit:
/// none, or the test's own coturn on loopback; never a public STUN server.
/// </summary>
public sealed class ChromiumPeer : IAsyncDisposable
{
    public const string ExecutablePath = Chromium.ExecutablePath;
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ChromiumPeer(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    public static Task<ChromiumPeer> LaunchAsync(params string[] extraArgs) => LaunchAsync(ExecutablePath, extraArgs);

    /// <summary>Launches <paramref name="executable"/> (Debian's chromium, or a wrapper that runs it in a network namespace).</summary>
    public static async Task<ChromiumPeer> LaunchAsync(string executable, params string[] extraArgs)
    {
        Chromium.Prepare();
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = [.. Chromium.Args, "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection", .. extraArgs],
            Timeout = Chromium.LaunchTimeoutMs,
        });
        var page = await browser.NewPageAsync();
        await page.SetContentAsync("<html><body><video id=v autoplay muted playsinline></video></body></html>");
        return new ChromiumPeer(playwright, browser, page);
    }

    /// <summary>Creates a recvonly video+audio peer connection with <paramref name="iceServersJson"/> and returns its offer (ICE gathered).</summary>
    public Task<string> CreateOfferAsync(string iceServersJson = "[]", string iceTransportPolicy = "all") =>
        Page.EvaluateAsync<string>(@"async ([servers, policy]) => {
            const pc = new RTCPeerConnection({ iceServers: JSON.parse(servers), iceTransportPolicy: policy });
            window.pc = pc;
            pc.addTransceiver('video', { direction: 'recvonly' });
            pc.addTransceiver('audio', { direction: 'recvonly' });
            pc.ontrack = e => { const v = document.getElementById('v'); if (!v.srcObject) v.srcObject = new MediaStream(); v.srcObject.addTrack(e.track); };
            await pc.setLocalDescription(await pc.createOffer());
            await new Promise(r => { if (pc.iceGatheringState === 'complete') r(); else { pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; setTimeout(r, 5000); } });
            return pc.localDescription.sdp;
        }", new[] { iceServersJson, iceTransportPolicy });

    public Task SetAnswerAsync(string answer) =>
        Page.EvaluateAsync("async a => { await window.pc.setRemoteDescription({ type: 'answer', sdp: a }); }", answer);

    /// <summary>The inbound video stats and the selected candidate pair, as JSON.</summary>
    public async Task<VideoStats> StatsAsync()
    {
        var json = await Page.EvaluateAsync<string>(@"async () => {
            const s = await window.pc.getStats();
            let v = {}, au = {}, pair = null, local = {}, remote = {};
            s.forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'video') v = r; if (r.type === 'inbound-rtp' && r.kind === 'audio') au = r; });
            s.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = s.get(r.selectedCandidatePairId); });
            if (pair) { local = s.get(pair.localCandidateId) || {}; remote = s.get(pair.remoteCandidateId) || {}; }
            return JSON.stringify({ framesDecoded: v.framesDecoded || 0, packetsReceived: v.packetsReceived || 0, bytesReceived: v.bytesReceived || 0,
                nackCount: v.nackCount || 0, pliCount: v.pliCount || 0, connectionState: window.pc.connectionState,
                localCandidateType: local.candidateType || null, remoteCandidateType: remote.candidateType || null, audioPacketsReceived: au.packetsReceived || 0, audioSamplesReceived: au.totalSamplesReceived || 0, rtt: pair ? (pair.currentRoundTripTime ?? null) : null });
        }");
        return JsonSerializer.Deserialize<VideoStats>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _browser.CloseAsync();
        }
        catch (PlaywrightException)
        {
        }
        _playwright.Dispose();
    }
}

public sealed record VideoStats(long FramesDecoded, long PacketsReceived, long BytesReceived, long NackCount, long PliCount, string ConnectionState, string? LocalCandidateType, double? Rtt, string? RemoteCandidateType = null, long AudioPacketsReceived = 0, long AudioSamplesReceived = 0);
