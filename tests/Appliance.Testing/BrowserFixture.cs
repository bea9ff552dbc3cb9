using Microsoft.Playwright;
using Xunit;

namespace Appliance.Testing;

/// <summary>
/// The one browser fixture: Debian's headless Chromium driven by Playwright (<see cref="Chromium"/>: never a browser
/// download), shared by a test collection or class. Started lazily: only the tests that open a page pay for it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task<IBrowser> BrowserAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_browser is not null) return _browser;
            Chromium.Prepare();
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium.ExecutablePath,
                Headless = true,
                // The portal has a live view page (the WebRTC plugin's): the fixture's browser can play it.
                Args = [.. Chromium.Args, .. Chromium.LiveViewArgs],
                Timeout = Chromium.LaunchTimeoutMs,
            });
            return _browser;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A fresh browser context (own cookies) for <paramref name="baseUri"/>, trusting its self-signed certificate.</summary>
    public async Task<IPage> NewPageAsync(Uri baseUri)
    {
        var context = await (await BrowserAsync()).NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUri.ToString(),
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>Full-page screenshot as <c>out/test-artifacts/{area}/{name}.png</c>.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string area, string name)
    {
        var path = Path.Combine(RepoPaths.Artifacts(area), name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        _gate.Dispose();
    }
}
