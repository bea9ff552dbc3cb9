using Microsoft.Playwright;

namespace Appliance.Portal.Tests.Support;

/// <summary>
/// One headless Debian Chromium for the whole test run, driven by Playwright's bundled driver. Never
/// downloads a browser: <see cref="ExecutablePath"/> is Debian's package.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new FileNotFoundException("Debian's chromium package is required (apt-get install chromium)", ExecutablePath);
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--ignore-certificate-errors", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
            Timeout = 60_000,
        });
    }

    /// <summary>A fresh browser context (own cookies) for <paramref name="baseUri"/>, trusting its self-signed certificate.</summary>
    public async Task<IPage> NewPageAsync(Uri baseUri)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
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

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>Every page test: one browser, one host with an administrator; run one after another (2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<BrowserFixture>, ICollectionFixture<AdminHostFixture>
{
    public const string Name = "portal";
}
