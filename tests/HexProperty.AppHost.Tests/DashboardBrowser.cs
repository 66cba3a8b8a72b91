using Microsoft.Playwright;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// Debian's chromium driven by Playwright, signed in to the dashboard through the link the AppHost prints. Each page
/// it visits is saved as a screenshot under <c>artifacts/screenshots</c> at the repository's root.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    public static string ScreenshotFolder { get; } = Path.Combine(FindRepositoryRoot(), "artifacts", "screenshots");

    public static async Task<DashboardBrowser> StartAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        return new DashboardBrowser(playwright, browser, await context.NewPageAsync());
    }

    /// <summary>Opens <paramref name="url"/> and saves the page as <c>{name}.png</c>.</summary>
    public async Task<IResponse?> VisitAsync(string url, string name)
    {
        var response = await Page.GotoAsync(url);
        await ScreenshotAsync(name);
        return response;
    }

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (folder.EnumerateFiles("*.sln").Any())
            {
                return folder.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync(); // ends chromium and its helpers
        _playwright.Dispose(); // ends the Playwright driver process
    }
}
