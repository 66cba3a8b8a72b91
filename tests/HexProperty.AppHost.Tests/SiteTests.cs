extern alias seed;

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HexProperty.Testing;
using Microsoft.Playwright;
using Npgsql;
using seed::HexProperty.Seed;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// The site in Debian's chromium against the whole running system: guests search, book and pay; two guests race for
/// the same nights; staff see the Api's figures, run an export and open every page; operators see the operations page;
/// and when the Api is down the site says so. Each page is saved under artifacts/screenshots as site-*.png.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SiteTests(PlatformFixture fixture)
{
    private DistributedApplication App => fixture.App;

    private string Web => App.GetEndpoint("web").ToString().TrimEnd('/');

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_guest_searches_books_pays_and_sees_the_confirmation()
    {
        var agency = await BookingScenario.AgencyAsync(App, city: $"Testville {Guid.NewGuid():N}"[..18]);
        var (checkIn, checkOut) = (Today.AddDays(30), Today.AddDays(33));
        await using var browser = await TestBrowser.StartAsync();
        var page = browser.Page;

        var searchPage = await browser.VisitAsync(Web + "/search", "site-search-empty");
        var headers = await searchPage!.AllHeadersAsync();
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("strict-origin-when-cross-origin", headers["referrer-policy"]);
        await page.GetByLabel("City").FillAsync(agency.City);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var result = page.Locator($".result[data-property='{agency.PropertyId}']");
        await result.WaitForAsync();
        await browser.ScreenshotAsync("site-search");

        await result.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync($"**/properties/{agency.PropertyId}**");
        // The stay planner is an interactive island: wait for its circuit (the no-script button goes away).
        await page.GetByRole(AriaRole.Button, new() { Name = "Update prices" }).WaitForAsync(new() { State = WaitForSelectorState.Detached });
        // From the keyboard, on the calendar (this month and the next): a free night as check-in, then the night of
        // leaving. Priced at once: 2 nights at 90 plus 10 cleaning.
        var (picked, left) = (Today.AddDays(3), Today.AddDays(5));
        await page.Locator($"button.day[data-date='{Iso(picked)}']").First.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator($"button.day[data-date='{Iso(picked)}'][aria-pressed='true']").First.WaitForAsync();
        await page.Locator($"button.day[data-date='{Iso(left)}']").First.FocusAsync();
        await page.Keyboard.PressAsync(" ");
        var total = page.Locator($"#quote-{agency.UnitId} [data-total]");
        await Eventually.TrueAsync(async () => await total.GetAttributeAsync("data-total") == "190.00", "the calendar's choice was not priced", TimeSpan.FromSeconds(20));
        Assert.Equal(Iso(picked), await page.GetByLabel("Check-in").InputValueAsync());
        Assert.Equal(Iso(left), await page.GetByLabel("Check-out").InputValueAsync());

        // A check-in months away: the calendar follows it. Then the dates typed: the quote follows without a reload
        // (3 nights at 90 plus 10 cleaning), and the address keeps them.
        var later = checkIn.AddDays(100);
        await page.GetByLabel("Check-in").FillAsync(Iso(later));
        await page.Locator(".month caption", new() { HasText = later.ToString("MMMM yyyy", CultureInfo.InvariantCulture) }).First.WaitForAsync();
        await page.GetByLabel("Check-in").FillAsync(Iso(checkIn));
        await page.GetByLabel("Check-out").FillAsync(Iso(checkOut));
        await Eventually.TrueAsync(async () => await total.GetAttributeAsync("data-total") == "280.00", "the typed dates were not priced", TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => page.Url.Contains($"checkIn={Iso(checkIn)}&checkOut={Iso(checkOut)}", StringComparison.Ordinal),
            () => "the address did not keep the dates: " + page.Url, TimeSpan.FromSeconds(10));
        Assert.Equal(2, await page.Locator(".month").CountAsync()); // the availability calendar, two months
        await browser.ScreenshotAsync("site-property");

        // One click, in the page: Playwright's own click (and its dispatched event) retries when the link is detached
        // mid-action, which enhanced navigation does by swapping the page in, and then waits for a link the next page
        // does not have. The link is found first (the locator waits for it), then clicked once.
        await page.GetByRole(AriaRole.Link, new() { Name = "Book these dates" }).EvaluateAsync("link => link.click()");
        await page.WaitForURLAsync("**/book/**");
        await browser.ScreenshotAsync("site-details");
        var email = $"guest-{Guid.NewGuid():N}@example.test";
        await page.GetByLabel("Full name").FillAsync("Ada Guest");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Hold these dates and continue to payment" }).ClickAsync();
        await page.WaitForURLAsync("**/checkout/**");
        var reference = page.Url.Split('/')[^1];

        // The countdown is an interactive island: it goes down while the page stays.
        var countdown = page.Locator("#countdown .countdown");
        var first = int.Parse((await countdown.GetAttributeAsync("data-seconds-left"))!, CultureInfo.InvariantCulture);
        Assert.InRange(first, 60, 3600);
        var moved = System.Diagnostics.Stopwatch.StartNew();
        while (await SecondsLeftAsync(page) >= first)
        {
            Assert.True(moved.Elapsed < TimeSpan.FromSeconds(10), "the countdown did not move");
            await Task.Delay(250);
        }

        await browser.ScreenshotAsync("site-checkout");

        // A card number the Api refuses: its ProblemDetails appears next to that field, and nothing is paid.
        await FillCardAsync(page, "1234");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Pay ") }).ClickAsync();
        var numberError = page.Locator("#err-card-number");
        await numberError.WaitForAsync();
        Assert.False(string.IsNullOrWhiteSpace(await numberError.TextContentAsync()));
        await browser.ScreenshotAsync("site-checkout-error");

        // The payment as one trace: the site's form post, the Api's payment, and the Worker's handling of the event.
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        await page.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["traceparent"] = $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01" });
        await FillCardAsync(page, "4242 4242 4242 4242");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Pay ") }).ClickAsync();
        await page.WaitForURLAsync($"**/bookings/{reference}?paid=1");
        await page.SetExtraHTTPHeadersAsync(new Dictionary<string, string>());
        Assert.Equal("Your stay is booked", (await page.Locator("h1").TextContentAsync())?.Trim());
        Assert.Equal(reference, (await page.Locator(".reference").TextContentAsync())?.Trim());
        await browser.ScreenshotAsync("site-confirmation");

        using var api = App.CreateHttpClient("api");
        var booking = await api.GetFromJsonAsync<JsonNode>($"/api/bookings/{reference}?email={Uri.EscapeDataString(email)}");
        Assert.Equal("Confirmed", (string?)booking!["status"]);
        Assert.Equal(280.00m, (decimal)booking["total"]!);

        var posted = await fixture.Telemetry.SpanAsync(traceId, s => s.Resource.StartsWith("web-", StringComparison.Ordinal) && s.Kind == "Server" && s.Name.StartsWith("POST", StringComparison.Ordinal));
        var paid = await fixture.Telemetry.SpanAsync(traceId, s => s.Resource.StartsWith("api-", StringComparison.Ordinal) && s.Kind == "Server" && s.Name == "POST /api/bookings/{reference}/payments");
        var handled = await fixture.Telemetry.SpanAsync(traceId, s => s.Resource == "worker" && s.Kind == "Consumer" && s.Name == "booking.confirmed process");
        Assert.Equal(traceId, posted.TraceId);
        Assert.True(posted.Start <= paid.Start && paid.Start <= handled.Start, $"{posted.Start:O} {paid.Start:O} {handled.Start:O}");

        // Another browser, with JavaScript off, takes the whole path: search (a plain GET form), the property's prices
        // for its dates (the form's button), hold, pay and the confirmation; then finds the first booking by reference.
        var other = await browser.NewVisitorAsync(javaScript: false);
        await other.GotoAsync(Web + "/search");
        await other.GetByLabel("City").FillAsync(agency.City);
        await other.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await other.Locator($".result[data-property='{agency.PropertyId}'] a").First.ClickAsync();
        await other.WaitForURLAsync($"**/properties/{agency.PropertyId}**");
        await other.GetByLabel("Check-in").FillAsync(Iso(checkIn.AddDays(10)));
        await other.GetByLabel("Check-out").FillAsync(Iso(checkIn.AddDays(12)));
        await other.GetByRole(AriaRole.Button, new() { Name = "Update prices" }).ClickAsync();
        await other.WaitForURLAsync("**checkOut=**");
        Assert.Equal("190.00", await other.Locator($"#quote-{agency.UnitId} [data-total]").GetAttributeAsync("data-total"));
        await other.GetByRole(AriaRole.Link, new() { Name = "Book these dates" }).ClickAsync();
        await other.WaitForURLAsync("**/book/**");
        await other.GetByLabel("Full name").FillAsync("Noscript Guest");
        await other.GetByLabel("Email").FillAsync($"noscript-{Guid.NewGuid():N}@example.test");
        await other.GetByRole(AriaRole.Button, new() { Name = "Hold these dates and continue to payment" }).ClickAsync();
        await other.WaitForURLAsync("**/checkout/**");
        Assert.InRange(int.Parse((await other.Locator("#countdown .countdown").GetAttributeAsync("data-seconds-left"))!, CultureInfo.InvariantCulture), 60, 3600);
        await FillCardAsync(other, "4242 4242 4242 4242");
        await other.GetByRole(AriaRole.Button, new() { NameRegex = new("^Pay ") }).ClickAsync();
        await other.WaitForURLAsync("**/bookings/*?paid=1");
        Assert.Equal("Your stay is booked", (await other.Locator("h1").TextContentAsync())?.Trim());
        await TestBrowser.ScreenshotAsync(other, "site-noscript-confirmation");

        // Staff sign in without JavaScript too: a plain POST, then the dashboard rendered whole.
        await other.GotoAsync(Web + "/staff/sign-in");
        await other.GetByLabel("Email").FillAsync(agency.OwnerEmail);
        await other.GetByLabel("Password").FillAsync(BookingScenario.Password);
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await other.WaitForURLAsync($"{Web}/staff");
        Assert.Equal(5, await other.Locator(".kpi").CountAsync());
        await other.GotoAsync(Web + "/bookings");
        await other.GetByLabel("Booking reference").FillAsync(reference);
        await other.GetByLabel("Email").FillAsync(email);
        await other.GetByRole(AriaRole.Button, new() { Name = "Find booking" }).ClickAsync();
        await other.WaitForURLAsync($"**/bookings/{reference}");
        Assert.Equal("Confirmed", (await other.Locator(".booking .status").TextContentAsync())?.Trim());
        await TestBrowser.ScreenshotAsync(other, "site-booking");
    }

    [Fact]
    public async Task Two_guests_try_to_book_the_same_nights_and_exactly_one_gets_them()
    {
        var agency = await BookingScenario.AgencyAsync(App);
        var (checkIn, checkOut) = (Today.AddDays(50), Today.AddDays(52));
        var url = $"{Web}/book/{agency.UnitId}?checkIn={Iso(checkIn)}&checkOut={Iso(checkOut)}&guests=2";
        await using var browser = await TestBrowser.StartAsync();
        IPage[] guests = [browser.Page, await browser.NewVisitorAsync()];
        for (var i = 0; i < guests.Length; i++)
        {
            await guests[i].GotoAsync(url);
            await guests[i].GetByLabel("Full name").FillAsync($"Racer {i}");
            await guests[i].GetByLabel("Email").FillAsync($"racer-{i}-{Guid.NewGuid():N}@example.test");
        }

        await Task.WhenAll(guests.Select(g => g.GetByRole(AriaRole.Button, new() { Name = "Hold these dates and continue to payment" }).ClickAsync()));
        await Task.WhenAll(guests.Select(g => g.Locator(".countdown, .problem-box").First.WaitForAsync()));

        var winners = guests.Where(g => g.Url.Contains("/checkout/", StringComparison.Ordinal)).ToList();
        var losers = guests.Except(winners).ToList();
        Assert.Single(winners);
        var loser = Assert.Single(losers);
        Assert.Contains("just booked by someone else", await loser.Locator(".problem-box").TextContentAsync(), StringComparison.Ordinal);
        await TestBrowser.ScreenshotAsync(winners[0], "site-race-winner");
        await TestBrowser.ScreenshotAsync(loser, "site-race-loser");

        // The database agrees: one hold on those nights.
        using var staff = BookingScenario.StaffClient(App, agency);
        var page = await staff.GetFromJsonAsync<JsonNode>($"/api/staff/bookings?unitId={agency.UnitId}");
        Assert.Single(page!["items"]!.AsArray());
    }

    [Fact]
    public async Task Only_pages_with_a_form_that_posts_carry_an_antiforgery_token_and_its_token_is_accepted()
    {
        var agency = await BookingScenario.AgencyAsync(App, city: $"Tokenville {Guid.NewGuid():N}"[..18]);
        var (checkIn, checkOut) = (Today.AddDays(40), Today.AddDays(42));
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(Web) };

        // Pages whose forms only GET: no token made, no cookie set. Without an island they are not no-store either (a page
        // with one, the property's stay planner, is: Blazor marks every page that starts a circuit so).
        foreach (var (path, island) in new[] { ("/", false), ($"/search?city={Uri.EscapeDataString(agency.City)}&checkIn={Iso(checkIn)}&checkOut={Iso(checkOut)}&guests=2", false),
            ($"/properties/{agency.PropertyId}?checkIn={Iso(checkIn)}&checkOut={Iso(checkOut)}&guests=2", true), ("/status", false) })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False((response.Headers.TryGetValues("Set-Cookie", out var set) ? set : []).Any(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)), $"{path} set the antiforgery cookie");
            Assert.True(island || response.Headers.CacheControl?.NoStore != true, $"{path} is no-store: {response.Headers.CacheControl}");
            Assert.DoesNotContain("__RequestVerificationToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A page with a form that posts: its token and the cookie beside it, and the post they make is accepted.
        using var find = await client.GetAsync("/bookings");
        Assert.Contains("no-store", find.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        var token = Regex.Match(await find.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        Assert.Contains(cookies.GetAllCookies(), c => c.Name.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        using var posted = await client.PostAsync("/bookings", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "find",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["Input.Reference"] = "HXNOSUCH1",
            ["Input.Email"] = "nobody@example.test",
        }));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode); // the form's answer (no such booking), not the 400 of a refused token
        Assert.Contains("Find my booking", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_sign_in_and_the_dashboard_shows_the_Apis_figures_and_every_page_renders()
    {
        var agency = await BookingScenario.AgencyAsync(App);
        var checkIn = Today.AddDays(60);
        var hold = await BookingScenario.HoldAsync(App, agency, checkIn);
        await BookingScenario.PayAsync(App, hold, System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString());
        var (from, to) = (checkIn.AddDays(-3), checkIn.AddDays(7));
        var query = $"from={Iso(from)}&to={Iso(to)}";

        // The figures come from daily statistics the Worker keeps current; wait until they include the stay.
        using var staff = BookingScenario.StaffClient(App, agency);
        JsonNode? figures = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((long?)figures?["totals"]?["nightsSold"] != 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"the dashboard never showed the 2 nights sold: {figures}");
            await Task.Delay(500);
            figures = await staff.GetFromJsonAsync<JsonNode>($"/api/staff/dashboard?{query}");
        }

        await using var browser = await TestBrowser.StartAsync();
        var page = browser.Page;
        await SignInAsync(browser, agency.OwnerEmail);
        await browser.VisitAsync($"{Web}/staff?{query}", "site-staff-dashboard");
        var api = await staff.GetFromJsonAsync<JsonNode>($"/api/staff/dashboard?{query}");
        var totals = api!["totals"]!;
        Assert.Equal((double)totals["occupancy"]!, double.Parse((await Kpi(page, "occupancy"))!, CultureInfo.InvariantCulture), 9);
        Assert.Equal((decimal)totals["revenue"]!, decimal.Parse((await Kpi(page, "revenue"))!, CultureInfo.InvariantCulture));
        Assert.Equal((decimal)totals["adr"]!, decimal.Parse((await Kpi(page, "adr"))!, CultureInfo.InvariantCulture));
        Assert.Equal((decimal)totals["revPar"]!, decimal.Parse((await Kpi(page, "revpar"))!, CultureInfo.InvariantCulture));
        Assert.Equal(hold.Total, (decimal)totals["revenue"]!);
        Assert.Equal(4, await page.Locator("figure.chart svg").CountAsync());
        Assert.Equal(api["days"]!.AsArray().Count, await page.Locator("#occupancy-chart circle.point").CountAsync());

        await browser.VisitAsync($"{Web}/staff/bookings?from={Iso(from)}&to={Iso(to)}", "site-staff-bookings");
        Assert.Equal("Confirmed", (await page.Locator("#bookings tbody tr", new() { HasText = hold.Reference }).Locator("td").Nth(1).TextContentAsync())?.Trim());
        // The grid sorts through its address (the Api sorts and pages): the total's header asks for the largest first.
        await page.Locator("#bookings th a.sort", new() { HasText = "Total" }).ClickAsync();
        await page.WaitForURLAsync("**sort=-total**");
        // Enhanced navigation changes the address first and patches the page in after: wait for the new header.
        await page.Locator("#bookings th[aria-sort='descending']", new() { HasText = "Total" }).WaitForAsync();
        Assert.Contains($"from={Iso(from)}", page.Url, StringComparison.Ordinal); // the filters stay
        await browser.VisitAsync($"{Web}/staff/payments", "site-staff-payments");
        Assert.Equal(1, await page.Locator("#payments tbody tr", new() { HasText = hold.Reference }).CountAsync());
        await browser.VisitAsync($"{Web}/staff/properties", "site-staff-properties");
        Assert.Equal(1, await page.Locator($"tbody a[href='/staff/properties/{agency.PropertyId}']").CountAsync());
        await browser.VisitAsync($"{Web}/staff/properties/{agency.PropertyId}", "site-staff-property");

        // A rate rule the Api refuses shows its reason next to the field; a valid one is listed.
        await browser.VisitAsync($"{Web}/staff/units/{agency.UnitId}", "site-staff-unit");
        await page.Locator("#Rule-Name").FillAsync("Summer");
        await page.Locator("#Rule-StartDate").FillAsync(Iso(Today.AddDays(100)));
        await page.Locator("#Rule-EndDate").FillAsync(Iso(Today.AddDays(90)));
        await page.Locator("#Rule-NightlyPrice").FillAsync("150");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await page.Locator("#err-endDate").WaitForAsync();
        await page.Locator("#Rule-EndDate").FillAsync(Iso(Today.AddDays(120)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await page.Locator("tr[data-rule]").WaitForAsync();
        await page.Locator("#BlockStart").FillAsync(Iso(Today.AddDays(200)));
        await page.Locator("#BlockEnd").FillAsync(Iso(Today.AddDays(203)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Close these dates" }).ClickAsync();
        await page.Locator("tr[data-block]").WaitForAsync();
        await TestBrowser.ScreenshotAsync(page, "site-staff-unit-edited");
        var blocks = await staff.GetFromJsonAsync<JsonNode>($"/api/staff/units/{agency.UnitId}/blocks");
        Assert.Equal(Iso(Today.AddDays(200)), (string?)blocks![0]!["start"]);

        // The Worker turns the booking's events into the staff's notifications: the page lists what the Api counts.
        var unread = 0;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (unread == 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "no notification arrived for the paid booking");
            await Task.Delay(300);
            unread = (int)(await staff.GetFromJsonAsync<JsonNode>("/api/staff/notifications/summary"))!["unread"]!;
        }

        await browser.VisitAsync($"{Web}/staff/notifications", "site-staff-notifications");
        Assert.Equal(unread, int.Parse((await page.Locator("[data-unread]").GetAttributeAsync("data-unread"))!, CultureInfo.InvariantCulture));
        Assert.Equal(unread, await page.Locator("li.unread").CountAsync());
        // The header's badge is not prerendered: it shows the count once its circuit has read it.
        await page.Locator($".site-header [data-badge='{unread}']").WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark all as read" }).ClickAsync();
        await page.Locator("[data-unread='0']").WaitForAsync();
        // An empty badge is in the page but not visible: wait for it to be there, not shown.
        await page.Locator(".site-header [data-badge='0']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

        // The header's badge is an interactive island: a new booking's notification shows on this page without a reload.
        await page.EvaluateAsync("window.__notReloaded = true");
        var another = await BookingScenario.HoldAsync(App, agency, checkIn.AddDays(20));
        await BookingScenario.PayAsync(App, another, System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString());
        await page.Locator(".site-header [data-badge]:not([data-badge='0'])").WaitForAsync(new() { Timeout = 60_000 });
        // Readable where it sits (WCAG AA, 4.5:1): the header's links are white, the badge is not.
        var contrast = await page.Locator(".site-header [data-badge]").EvaluateAsync<double>("""
            badge => {
                const style = getComputedStyle(badge);
                const luminance = css => {
                    const [r, g, b] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map(v => v / 255)
                        .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
                    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                };
                const [light, dark] = [luminance(style.color), luminance(style.backgroundColor)].sort((a, b) => b - a);
                return (light + 0.05) / (dark + 0.05);
            }
            """);
        Assert.True(contrast >= 4.5, $"the badge's text has a contrast of {contrast:0.00}:1 on its background");
        Assert.True(await page.EvaluateAsync<bool>("window.__notReloaded === true"), "the page was reloaded");
        await TestBrowser.ScreenshotAsync(page, "site-staff-notifications-badge");

        // The owner's audit trail: the block just closed is the newest change; the rule's filter finds the rule, by name.
        await browser.VisitAsync($"{Web}/staff/audit", "site-staff-audit");
        Assert.StartsWith("block", (await page.Locator("#audit tbody tr").First.Locator("td").Nth(3).TextContentAsync())?.Trim(), StringComparison.Ordinal);
        await page.Locator("#entity").SelectOptionAsync("rate-rule");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.WaitForURLAsync("**/staff/audit?entity=rate-rule**");
        Assert.Contains("Summer", await page.Locator("#audit tbody tr", new() { HasText = "Created" }).First.TextContentAsync(), StringComparison.Ordinal);

        // The Api's reference UI renders its operations under its own policy (the browser reports any refusal).
        await browser.VisitAsync(App.GetEndpoint("api").ToString().TrimEnd('/') + "/scalar", "api-reference");
        await page.GetByRole(AriaRole.Heading, new() { Name = "HexProperty Api", Exact = true }).First.WaitForAsync();
        await TestBrowser.ScreenshotAsync(page, "api-reference");
        await page.GetByText("Staff audit", new() { Exact = true }).First.WaitForAsync();

        // Not an operator: the operations page is refused, with a page that says so.
        await page.GotoAsync($"{Web}/staff/ops");
        Assert.Contains("/staff/forbidden", page.Url, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Sign out") }).ClickAsync();
        await page.WaitForURLAsync("**/staff/sign-in?signedOut=1");
        await page.GotoAsync($"{Web}/staff");
        Assert.Contains("/staff/sign-in", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_shows_its_progress_live_and_downloads_the_file_the_Api_describes()
    {
        const int Rows = 400_000;
        var owner = await BookingScenario.AgencyAsync(App);
        await using var database = NpgsqlDataSource.Create((await App.GetConnectionStringAsync("hexdb"))!);
        var bulk = await BulkAgency.CreateAsync(database, "Bulk export agency", Rows);
        // The bulk agency's owner gets the signed-up owner's password hash, so the browser can sign in as them.
        await using (var command = database.CreateCommand("update staff_users set password_hash = (select password_hash from staff_users where email = $1) where id = $2"))
        {
            command.Parameters.AddWithValue(owner.OwnerEmail);
            command.Parameters.AddWithValue(bulk.UserId);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await using var browser = await TestBrowser.StartAsync();
        var page = browser.Page;
        await SignInAsync(browser, bulk.UserEmail);
        await browser.VisitAsync($"{Web}/staff/exports", "site-staff-exports-empty");
        await page.GetByLabel("From").FillAsync("2026-01-01");
        await page.GetByLabel("To (not included)").FillAsync("2028-01-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start export" }).ClickAsync();
        var job = page.Locator("tr[data-job]").First;
        await job.WaitForAsync();
        var jobId = Guid.Parse((await job.GetAttributeAsync("data-job"))!);

        // Without reloading, the row moves through its states as the server streams them; note each one seen.
        var seen = new List<string>();
        var download = job.Locator("a.download");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var screenshotTaken = false;
        while (!await download.IsVisibleAsync())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "the export did not finish: " + string.Join(" | ", seen));
            var state = (await job.Locator(".job").TextContentAsync())?.Trim() ?? "";
            if (seen.Count == 0 || seen[^1] != state)
            {
                seen.Add(state);
            }

            if (!screenshotTaken && state.StartsWith("Exporting", StringComparison.Ordinal))
            {
                await browser.ScreenshotAsync("site-staff-export-running");
                screenshotTaken = true;
            }

            await Task.Delay(100);
        }

        Assert.Contains(seen, s => s.StartsWith("Exporting", StringComparison.Ordinal) || s.StartsWith("Waiting", StringComparison.Ordinal));
        Assert.True(seen.Count >= 2, "progress was not shown before the end: " + string.Join(" | ", seen));
        await browser.ScreenshotAsync("site-staff-export-done");

        var file = await page.RunAndWaitForDownloadAsync(() => download.ClickAsync());
        var path = Path.Combine(Path.GetTempPath(), $"site-export-{jobId:N}.csv");
        try
        {
            await file.SaveAsAsync(path);
            var bytes = await File.ReadAllBytesAsync(path);
            using var staffApi = App.CreateHttpClient("api");
            var signIn = await (await staffApi.PostAsJsonAsync("/api/auth/sign-in", new { email = bulk.UserEmail, password = BookingScenario.Password })).Content.ReadFromJsonAsync<JsonNode>();
            staffApi.DefaultRequestHeaders.Authorization = new("Bearer", (string)signIn!["accessToken"]!);
            var view = await staffApi.GetFromJsonAsync<JsonNode>($"/api/staff/jobs/{jobId}");
            Assert.Equal((long)view!["bytes"]!, bytes.LongLength);
            Assert.Equal((string?)view["sha256"], Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.Equal(Rows, (long)view["rowsDone"]!);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task An_operator_sees_trends_over_every_replica_alerts_breakers_queues_jobs_statements_indexes_and_replication()
    {
        var agency = await BookingScenario.AgencyAsync(App);
        await BookingScenario.MakeOperatorAsync(App, agency.OwnerEmail);

        await using var browser = await TestBrowser.StartAsync();
        var page = browser.Page;
        await page.GotoAsync($"{Web}/search?city={Uri.EscapeDataString(agency.City)}"); // some cached traffic
        await SignInAsync(browser, agency.OwnerEmail);
        await browser.VisitAsync($"{Web}/staff/ops", "site-staff-ops");
        // Prometheus' figures over every replica: each endpoint once a minute's requests are in, and each chart with its table.
        await Eventually.TrueAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("#endpoints tbody tr").CountAsync() > 0;
        }, "the operations page showed no endpoint figures from Prometheus", TimeSpan.FromMinutes(1));
        await browser.ScreenshotAsync("site-staff-ops");
        // The endpoints' figures are an interactive island: they are read again without a reload.
        var at = await page.Locator("#endpoints-at").GetAttributeAsync("datetime");
        await page.EvaluateAsync("window.__notReloaded = true");
        await Eventually.TrueAsync(async () => await page.Locator("#endpoints-at").GetAttributeAsync("datetime") != at, "the endpoints' figures were not read again", TimeSpan.FromSeconds(45));
        Assert.True(await page.EvaluateAsync<bool>("window.__notReloaded === true"), "the page was reloaded");
        Assert.Equal(9, await page.Locator("#monitoring figure.chart table").CountAsync());
        Assert.True(await page.Locator("#monitoring figure#requests tbody tr").CountAsync() > 0);
        Assert.Equal(1, await page.Locator("#firing-alerts").CountAsync());
        Assert.Contains("cache:redis", await page.Locator("#breaker-states").TextContentAsync(), StringComparison.Ordinal);
        var queue = page.Locator("#queue-depths tbody tr").Filter(new() { HasText = "worker.notifications" }).First;
        Assert.Matches("^[0-9]+$", (await queue.Locator("td").First.TextContentAsync())?.Trim());
        Assert.True(await page.Locator("#slow-statements tbody tr").CountAsync() > 0, await page.Locator("#statements").TextContentAsync());
        Assert.True(await page.Locator("#schedules tbody tr").CountAsync() > 0);
        // Unused indexes leave out those that enforce a rule: the exclusion constraint against double booking stays off the list.
        Assert.Equal(1, await page.Locator("#unused-indexes").CountAsync());
        Assert.DoesNotContain("unit_occupancy_no_overlap", await page.Locator("#unused-indexes").TextContentAsync(), StringComparison.Ordinal);
        // The standby: where reads go, its lag as the primary measures it, and the pool with the seed's defaults.
        Assert.Contains("standby", await page.Locator("#reads-from").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("streaming", await page.Locator("#standbys tbody tr").First.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("at most 20 connections, closed after 30 s idle; statement timeout 30 s, command timeout 10 s",
            System.Text.RegularExpressions.Regex.Replace(await page.Locator("#pool").TextContentAsync() ?? "", @"\s+", " "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_Api_is_down_the_site_says_so_and_offers_a_retry_then_recovers()
    {
        // Every Api replica stopped: the balancer has no one to send the site's calls to.
        var apis = PlatformFixture.ReplicaNames("api", PlatformFixture.ApiReplicas).Select(n => fixture.Instances(n).Single().ResourceId).ToList();
        using var web = App.CreateHttpClient("web");
        try
        {
            foreach (var api in apis)
            {
                Assert.True((await App.ResourceCommands.ExecuteCommandAsync(api, KnownResourceCommands.StopCommand)).Success);
            }

            // A first load is rendered whole: 503, with a retry and without a stack trace.
            using var response = await web.GetAsync("/search?city=Porto");
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("The booking service is not answering", html, StringComparison.Ordinal);
            Assert.Contains("href=\"/search?city=Porto\"", html, StringComparison.Ordinal); // the retry
            Assert.DoesNotContain("   at ", html, StringComparison.Ordinal); // no stack trace

            // Asked by Blazor's script (an enhanced navigation), the page streams: its form is painted by then, so the
            // same message and retry come where its results would be.
            using var enhanced = new HttpRequestMessage(HttpMethod.Get, "/search?city=Porto");
            enhanced.Headers.TryAddWithoutValidation("Accept", "text/html; blazor-enhanced-nav=on");
            using var streamed = await web.SendAsync(enhanced);
            html = await streamed.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
            Assert.Contains("Searching stays", html, StringComparison.Ordinal); // painted first
            Assert.Contains("The booking service is not answering", html, StringComparison.Ordinal);
            Assert.Contains("href=\"/search?city=Porto\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", html, StringComparison.Ordinal);

            await using var browser = await TestBrowser.StartAsync();
            await browser.VisitAsync($"{Web}/search?city=Porto", "site-api-down");
            Assert.True(await browser.Page.GetByRole(AriaRole.Link, new() { Name = "Try again" }).IsVisibleAsync());
        }
        finally
        {
            foreach (var api in apis)
            {
                await App.ResourceCommands.ExecuteCommandAsync(api, KnownResourceCommands.StartCommand);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            foreach (var name in PlatformFixture.ReplicaNames("api", PlatformFixture.ApiReplicas).Append("api"))
            {
                await App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            }

            await Eventually.TrueAsync(async () => (await HaproxyStats.ServerStatesAsync(App.GetEndpoint("api", "stats"), "api")).Values.All(s => s == "UP"),
                "the balancer did not take the Api replicas back", TimeSpan.FromMinutes(1));
        }

        using var recovered = await web.GetAsync("/search?city=Porto");
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Fact]
    public async Task A_search_page_opened_directly_starts_Blazor_at_the_guests_first_press_which_is_already_enhanced()
    {
        var agency = await BookingScenario.AgencyAsync(App, city: $"Lazyville {Guid.NewGuid():N}"[..18]);
        var search = $"{Web}/search?city={Uri.EscapeDataString(agency.City)}";
        var link = $".result[data-property='{agency.PropertyId}'] a.result-name";
        await using var browser = await TestBrowser.StartAsync();
        var page = browser.Page;

        // Loaded and quiet, the page has no island and the guest has not pressed anything: Blazor is not started, so a
        // click that comes with no press (a script's) is the plain link's, a new document.
        await page.GotoAsync(search);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.EvaluateAsync("window.__notReloaded = true");
        await page.Locator(link).EvaluateAsync("link => link.click()");
        await page.WaitForURLAsync($"**/properties/{agency.PropertyId}**");
        await page.WaitForLoadStateAsync(LoadState.Load);
        Assert.False(await page.EvaluateAsync<bool>("window.__notReloaded === true"), "Blazor was started before the guest did anything");

        // The guest's own press starts it, and the click it makes is already an enhanced navigation, as is the next.
        await page.GotoAsync(search);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.EvaluateAsync("window.__notReloaded = true");
        await page.Locator(link).ClickAsync();
        await page.WaitForURLAsync($"**/properties/{agency.PropertyId}**");
        await page.GetByRole(AriaRole.Button, new() { Name = "Update prices" }).WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.True(await page.EvaluateAsync<bool>("window.__notReloaded === true"), "the guest's first click reloaded the page");
        await page.GoBackAsync();
        await page.Locator(link).WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>("window.__notReloaded === true"), "going back reloaded the page");
    }

    [Fact]
    public async Task A_property_page_opened_directly_starts_its_stay_planners_circuit_only_when_the_guest_reaches_it()
    {
        var agency = await BookingScenario.AgencyAsync(App);
        var (checkIn, checkOut) = (Today.AddDays(80), Today.AddDays(83));
        var url = $"{Web}/properties/{agency.PropertyId}?checkIn={Iso(checkIn)}&checkOut={Iso(checkOut)}&guests=2";
        await using var browser = await TestBrowser.StartAsync();

        // Where the planner starts on a phone's width; a screen shorter than that shows the property without it.
        var measure = await browser.NewVisitorAsync();
        await measure.SetViewportSizeAsync(390, 844);
        await measure.GotoAsync(url);
        var top = await measure.EvaluateAsync<double>("() => document.querySelector(\"[data-start='in-view']\").getBoundingClientRect().top + scrollY");
        Assert.True(top > 100, $"the planner starts {top} px down the page: nothing to read above it");

        foreach (var reach in new Func<IPage, Task>[]
        {
            page => page.Locator("[data-start='in-view']").ScrollIntoViewIfNeededAsync(), // scrolled to
            page => page.Keyboard.PressAsync("Tab"), // the first key anywhere
        })
        {
            var page = await browser.NewVisitorAsync();
            await page.SetViewportSizeAsync(390, (int)top - 40);
            var circuit = new List<string>();
            page.Request += (_, request) =>
            {
                if (request.Url.Contains("/_blazor", StringComparison.Ordinal))
                {
                    lock (circuit)
                    {
                        circuit.Add(request.Url);
                    }
                }
            };
            page.WebSocket += (_, socket) =>
            {
                lock (circuit)
                {
                    circuit.Add(socket.Url);
                }
            };
            await page.GotoAsync(url);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            lock (circuit)
            {
                Assert.Empty(circuit); // loaded, quiet, and no circuit: the planner is still its plain form
            }

            Assert.Equal(1, await page.GetByRole(AriaRole.Button, new() { Name = "Update prices" }).CountAsync());

            await reach(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Update prices" }).WaitForAsync(new() { State = WaitForSelectorState.Detached });
            lock (circuit)
            {
                Assert.Contains(circuit, u => u.Contains("/_blazor", StringComparison.Ordinal));
            }

            // Live from here: a new check-out is priced without a reload (2 nights at 90 plus 10 cleaning).
            await page.GetByLabel("Check-out").FillAsync(Iso(checkIn.AddDays(2)));
            await Eventually.TrueAsync(async () => await page.Locator($"#quote-{agency.UnitId} [data-total]").GetAttributeAsync("data-total") == "190.00",
                "the planner did not price the new dates", TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task A_guest_whose_Web_replica_restarts_is_told_and_carries_on_with_the_hold_on_another()
    {
        var agency = await BookingScenario.AgencyAsync(App);
        var (checkIn, checkOut) = (Today.AddDays(70), Today.AddDays(72));
        await using var browser = await TestBrowser.StartAsync();
        var page = browser.Page;
        await page.GotoAsync($"{Web}/book/{agency.UnitId}?checkIn={Iso(checkIn)}&checkOut={Iso(checkOut)}&guests=2");
        await page.GetByLabel("Full name").FillAsync("Ada Reconnect");
        await page.GetByLabel("Email").FillAsync($"reconnect-{Guid.NewGuid():N}@example.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Hold these dates and continue to payment" }).ClickAsync();
        await page.WaitForURLAsync("**/checkout/**");
        var checkout = page.Url;
        var first = await SecondsLeftAsync(page);
        await Eventually.TrueAsync(async () => await SecondsLeftAsync(page) < first, "the countdown did not start", TimeSpan.FromSeconds(15));

        // The balancer's stickiness cookie names the replica holding this page's circuit: restart that one.
        var replica = (await page.Context.CookiesAsync()).Single(c => c.Name == "hex-replica").Value.Split('|')[0]; // name|dates
        Assert.Contains(replica, PlatformFixture.ReplicaNames("web", PlatformFixture.WebReplicas));
        await page.EvaluateAsync("window.__notReloaded = true");
        var (restarted, pid) = (fixture.Instances(replica).Single().ResourceId, PlatformFixture.Pid(fixture.Instances(replica).Single()));
        Assert.True((await App.ResourceCommands.ExecuteCommandAsync(restarted, KnownResourceCommands.RestartCommand)).Success);

        // The circuit is gone with its replica: the page says what happens, reloads itself from its address and cookies
        // on whichever replica answers, and the countdown goes on from the same hold.
        await Eventually.TrueAsync(async () => await page.EvaluateAsync<bool>("window.__notReloaded !== true"), "the page was never reloaded", TimeSpan.FromSeconds(60));
        await TestBrowser.ScreenshotAsync(page, "site-reconnected");
        Assert.Equal(checkout, page.Url);
        var after = await SecondsLeftAsync(page);
        Assert.InRange(after, 1, first);
        await Eventually.TrueAsync(async () => await SecondsLeftAsync(page) < after, "the countdown did not go on after the reload", TimeSpan.FromSeconds(15));
        await FillCardAsync(page, "4242 4242 4242 4242");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Pay ") }).ClickAsync();
        await page.WaitForURLAsync("**/bookings/*?paid=1");

        // Back in rotation before the next test: a new process running (a health wait taken while the old one is
        // Exited gives up at once), healthy, and UP at the balancer.
        await Eventually.TrueAsync(() => fixture.Instances(replica).Single() is var now
            && now.Snapshot.State?.Text == KnownResourceStates.Running && PlatformFixture.Pid(now) != pid,
            $"{replica} was not started again", TimeSpan.FromMinutes(1));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await App.ResourceNotifications.WaitForResourceHealthyAsync(replica, timeout.Token);
        await Eventually.TrueAsync(async () => (await HaproxyStats.ServerStatesAsync(App.GetEndpoint("web", "stats"), "web")).Values.All(s => s == "UP"),
            "the restarted replica is not UP at the balancer", TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Staff_upload_photos_with_progress_and_guests_see_them_with_the_stays_total_on_a_phone()
    {
        var city = $"Photo-{Guid.NewGuid():N}"[..16];
        var agency = await BookingScenario.AgencyAsync(App, city);
        await using var browser = await TestBrowser.StartAsync();
        var page = browser.Page;
        await SignInAsync(browser, agency.OwnerEmail);
        await browser.VisitAsync($"{Web}/staff/properties/{agency.PropertyId}", "site-staff-photos-empty");

        // Two photos, sent through a throttled link so the bar is seen moving; the page after it shows them made.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = 0,
            ["downloadThroughput"] = -1,
            ["uploadThroughput"] = 128 * 1024,
        });
        await page.GetByLabel("Add photos").SetInputFilesAsync(
        [
            new FilePayload { Name = "terrace.jpg", MimeType = "image/jpeg", Buffer = HexProperty.Data.Photos.PhotoImages.Generate(501, 1600, grain: 6) },
            new FilePayload { Name = "view.jpg", MimeType = "image/jpeg", Buffer = HexProperty.Data.Photos.PhotoImages.Generate(502, 1600, grain: 6) },
        ]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload photos" }).ClickAsync();
        // The bar part way, and the percentage said beside it (read together, in the page).
        await page.WaitForFunctionAsync("""
            () => {
                const bar = document.querySelector('form[data-upload] progress');
                const said = document.querySelector('form[data-upload] .upload-status').textContent;
                return bar && !bar.hidden && bar.value > 0 && bar.value < 100 && /^Uploading… \d+%$/.test(said);
            }
            """);
        await TestBrowser.ScreenshotAsync(page, "site-staff-photos-uploading");
        await page.WaitForURLAsync("**photos=2**", new() { Timeout = 60_000 });
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = 0,
            ["downloadThroughput"] = -1,
            ["uploadThroughput"] = -1,
        });
        Assert.Equal(2, await page.Locator("li[data-photo-status='Ready'] img.photo").CountAsync());
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.photo-list img')].every(i => i.complete && i.naturalWidth > 0)");
        await TestBrowser.ScreenshotAsync(page, "site-staff-photos");

        // The property page: both photos, fixed dimensions (no shift), three widths to choose from, the first at once.
        var guest = await browser.NewVisitorAsync();
        await guest.GotoAsync($"{Web}/properties/{agency.PropertyId}");
        var photos = guest.Locator(".gallery img");
        Assert.Equal(2, await photos.CountAsync());
        Assert.Equal("eager", await photos.Nth(0).GetAttributeAsync("loading"));
        Assert.Equal("lazy", await photos.Nth(1).GetAttributeAsync("loading"));
        Assert.Equal(("640", "426"), (await photos.First.GetAttributeAsync("width"), await photos.First.GetAttributeAsync("height")));
        Assert.Equal(3, (await photos.First.GetAttributeAsync("srcset"))!.Split(',').Length);
        // As the page's browser fetches it, with the balancer's stickiness cookie: photos are balanced without it, so the
        // answer never sets it and stays public (HAProxy marks an answer that inserts the cookie private).
        var image = await guest.APIRequest.GetAsync(Web + await photos.First.GetAttributeAsync("src"));
        Assert.Equal("image/webp", image.Headers["content-type"]);
        Assert.Equal("public, max-age=31536000, immutable", image.Headers["cache-control"]);
        Assert.False(image.Headers.ContainsKey("set-cookie"), "a photo's answer set a cookie");

        // Search on a phone: the photo, the whole stay's price for the dates and guests, and what it includes; nothing
        // wider than the screen.
        await guest.SetViewportSizeAsync(390, 844);
        var (checkIn, checkOut) = (Today.AddDays(40), Today.AddDays(43));
        await guest.GotoAsync($"{Web}/search?city={city}&checkIn={Iso(checkIn)}&checkOut={Iso(checkOut)}&guests=2");
        var card = guest.Locator($"li.result[data-property='{agency.PropertyId}']");
        await card.Locator("img.photo").WaitForAsync();
        await guest.WaitForFunctionAsync("() => { const i = document.querySelector('li.result img.photo'); return i.complete && i.naturalWidth > 0; }");
        var quote = await App.CreateHttpClient("api").GetFromJsonAsync<JsonNode>(
            $"/api/units/{agency.UnitId}/quote?checkIn={Iso(checkIn)}&checkOut={Iso(checkOut)}&guests=2");
        var total = await card.Locator(".total").TextContentAsync();
        Assert.Contains(((decimal)quote!["total"]!).ToString("N2", CultureInfo.InvariantCulture), total, StringComparison.Ordinal);
        Assert.Contains("for 3 nights, 2 guests", total, StringComparison.Ordinal);
        Assert.Contains("cancellation", await card.Locator(".includes").TextContentAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.True(await guest.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth <= 390"), "the page is wider than the phone");
        var box = await card.Locator("img.photo").BoundingBoxAsync();
        Assert.InRange(box!.Width, 300, 390);
        await TestBrowser.ScreenshotAsync(guest, "site-search-390");
    }

    private Task SignInAsync(TestBrowser browser, string email) => browser.SignInAsync(Web, email, BookingScenario.Password);

    private static Task<string?> Kpi(IPage page, string name) => page.Locator($"[data-kpi='{name}']").GetAttributeAsync("data-value");

    private static async Task<int> SecondsLeftAsync(IPage page) =>
        int.Parse((await page.Locator("#countdown .countdown").GetAttributeAsync("data-seconds-left"))!, CultureInfo.InvariantCulture);

    private static async Task FillCardAsync(IPage page, string number)
    {
        await page.GetByLabel("Name on card").FillAsync("Ada Guest");
        await page.GetByLabel("Card number").FillAsync(number);
        await page.GetByLabel("Expiry month").FillAsync("12");
        await page.GetByLabel("Expiry year").FillAsync((DateTime.UtcNow.Year + 3).ToString(CultureInfo.InvariantCulture));
        await page.GetByLabel("Security code").FillAsync("123");
    }
}
