using Microsoft.Playwright;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// Debian's chromium driven by Playwright. Each browser context is a separate visitor (its own cookies); each page a
/// test visits can be saved as a screenshot under <c>artifacts/screenshots</c> at the repository's root, the tests'
/// artifacts. Disposing closes chromium and the Playwright driver, also when the test failed.
/// </summary>
internal sealed class TestBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    /// <summary>What the Content-Security-Policy refused on any page of any visitor of this browser.</summary>
    private readonly List<string> _refusals;

    private TestBrowser(IPlaywright playwright, IBrowser browser, IPage page, List<string> refusals)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        _refusals = refusals;
    }

    /// <summary>The first visitor's page.</summary>
    public IPage Page { get; }

    public static string ScreenshotFolder { get; } = Path.Combine(FindRepositoryRoot(), "artifacts", "screenshots");

    public static async Task<TestBrowser> StartAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var refusals = new List<string>();
        return new TestBrowser(playwright, browser, await NewVisitorAsync(browser, refusals), refusals);
    }

    /// <summary>Another visitor: a new browser context, sharing nothing with the others; optionally with JavaScript off.</summary>
    public Task<IPage> NewVisitorAsync(bool javaScript = true) => NewVisitorAsync(_browser, _refusals, javaScript);

    private static async Task<IPage> NewVisitorAsync(IBrowser browser, List<string> refusals, bool javaScript = true)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            AcceptDownloads = true,
            JavaScriptEnabled = javaScript,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        // The site's Content-Security-Policy must let its own pages work: chromium reports each refusal on the console.
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (refusals)
                {
                    refusals.Add($"{page.Url}: {message.Text}");
                }
            }
        };
        return page;
    }

    /// <summary>Opens <paramref name="url"/> and saves the page as <c>{name}.png</c>.</summary>
    public async Task<IResponse?> VisitAsync(string url, string name)
    {
        var response = await Page.GotoAsync(url);
        await ScreenshotAsync(name);
        return response;
    }

    public Task ScreenshotAsync(string name) => ScreenshotAsync(Page, name);

    /// <summary>Signs in on the site at <paramref name="web"/> as a staff member and waits for the staff home.</summary>
    public async Task SignInAsync(string web, string email, string password)
    {
        await VisitAsync($"{web}/staff/sign-in", "site-staff-sign-in");
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        // The dashboard it lands on is the staff's heaviest first page: on a system that has just started (cold caches,
        // the Worker's warm-up running) CI once needed more than the default 20 s for it. Still a wait for the page.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(new() { Timeout = 60_000 });
        await Page.WaitForURLAsync($"{web}/staff", new() { Timeout = 60_000 });
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
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
        Assert.True(_refusals.Count == 0, "The Content-Security-Policy refused what a page needs:\n" + string.Join('\n', _refusals));
    }
}
