using Appliance.Plugins.Rtsp.Protocol.Server;

namespace Appliance.Plugins.RtspServer.Plugin.Tests;

/// <summary>Digest against the appliance's users: ffprobe with the right password plays, with a wrong one it gets 401.</summary>
public sealed class AuthenticationTests
{
    /// <summary>One viewer, as the host's user verification would answer (password known to the test only).</summary>
    private sealed class OneViewer : IRtspCredentialVerifier
    {
        public int DigestChecks;

        public ValueTask<bool> VerifyPasswordAsync(string userName, string password, CancellationToken cancellationToken) =>
            ValueTask.FromResult(userName == "viewer" && password == "s3cret");

        public ValueTask<bool> VerifyDigestAsync(RtspDigestCredentials credentials, string method, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref DigestChecks);
            return ValueTask.FromResult(credentials.UserName == "viewer" && credentials.Matches("s3cret", method));
        }
    }

    [Fact]
    public async Task Digest_lets_a_viewer_play_and_refuses_a_wrong_password_and_no_credentials()
    {
        var users = new OneViewer();
        await using var rig = await ServerRig.StartAsync(serverConfig: "\"authentication\":\"digest\"", verifier: users);
        var withPassword = rig.Url.Replace("rtsp://", "rtsp://viewer:s3cret@");
        var ok = await Peer.RunAsync("ffprobe", ["-v", "error", "-rtsp_transport", "tcp", "-show_entries", "stream=codec_name", "-of", "csv=p=0", withPassword], TimeSpan.FromSeconds(90));
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Equal("h264", ok.Stdout.Trim());
        Assert.True(users.DigestChecks > 0);

        var wrong = await Peer.RunAsync("ffprobe", ["-v", "error", "-rtsp_transport", "tcp", rig.Url.Replace("rtsp://", "rtsp://viewer:wrong@")], TimeSpan.FromSeconds(90));
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("401", wrong.Stderr);

        await using var raw = await RawRtspClient.ConnectAsync(rig.Port);
        Assert.Equal(200, (await raw.RequestAsync("OPTIONS", rig.Url)).StatusCode);
        var describe = await raw.RequestAsync("DESCRIBE", rig.Url);
        Assert.Equal(401, describe.StatusCode);
        Assert.Contains(describe.Headers.GetAll("WWW-Authenticate"), h => h.StartsWith("Digest realm=\"appliance\"", StringComparison.Ordinal));
        Assert.DoesNotContain(describe.Headers.GetAll("WWW-Authenticate"), h => h.StartsWith("Basic", StringComparison.Ordinal)); // plain TCP, Basic not enabled
    }
}
