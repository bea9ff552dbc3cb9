namespace Appliance.Testing;

/// <summary>
/// How every test launches a browser: Debian's headless Chromium (package <c>chromium</c>), never a browser Playwright
/// downloads. <see cref="BrowserFixture"/> (portal pages) and the WebRTC tests' viewer both launch with these.
/// </summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Milliseconds a launch may take on a loaded machine.</summary>
    public const float LaunchTimeoutMs = 60_000;

    /// <summary>The arguments every launch passes: no sandbox (root in a container), test certificates, nothing phoning home.</summary>
    public static readonly IReadOnlyList<string> Args =
    [
        "--no-sandbox", "--ignore-certificate-errors", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    /// <summary>
    /// What a browser needs to play the appliance's live view on loopback: ICE candidates on 127.0.0.1 (Chromium drops
    /// them otherwise) and video that starts without a click.
    /// </summary>
    public static readonly IReadOnlyList<string> LiveViewArgs = ["--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required"];

    /// <summary>Fails clearly when the package is missing and keeps Playwright from downloading a browser.</summary>
    public static void Prepare()
    {
        if (!File.Exists(ExecutablePath))
            throw new FileNotFoundException("Debian's chromium package is required (apt-get install chromium)", ExecutablePath);
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    }
}
