using System.Net;
using Bunit;
using HexProperty.Web.Api;
using HexProperty.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HexProperty.Web.Tests;

/// <summary>The islands that move by themselves: the hold countdown, an export's progress and the unread badge, on a fake
/// clock.</summary>
public sealed class IslandTests : BunitContext
{
    private static readonly DateTimeOffset Start = new(2027, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly StubApi _api = new();
    private readonly FakeTimeProvider _time = new(Start);

    public IslandTests()
    {
        Services.AddSingleton(_api.Client());
        Services.AddSingleton<TimeProvider>(_time);
    }

    private IRenderedComponent<HoldCountdown> Countdown(string status, DateTimeOffset? expires, bool interactive)
    {
        SetRendererInfo(new RendererInfo(interactive ? "Server" : "Static", interactive));
        return Render<HoldCountdown>(p => p.Add(x => x.Reference, "HX-TEST").Add(x => x.Email, "ada@example.test").Add(x => x.Status, status).Add(x => x.ExpiresAt, expires));
    }

    private static string SecondsLeft(IRenderedComponent<HoldCountdown> cut) => cut.Find(".countdown").GetAttribute("data-seconds-left")!;

    [Fact]
    public void The_countdown_shows_the_time_left_and_counts_down_each_second()
    {
        var cut = Countdown("Held", Start.AddSeconds(90), interactive: true);
        Assert.Equal("90", SecondsLeft(cut));
        Assert.Equal("1:30", cut.Find(".countdown strong").TextContent);

        _time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal("89", SecondsLeft(cut)));
        Assert.Empty(_api.Asked); // the booking is re-read every 10 s, not every second
    }

    [Fact]
    public void The_countdown_sees_a_payment_made_elsewhere_when_it_re_reads_the_booking()
    {
        _api.Answer = path => path.StartsWith("/api/bookings/HX-TEST?email=ada%40example.test", StringComparison.Ordinal)
            ? (HttpStatusCode.OK, Fixtures.Json(new { reference = "HX-TEST", status = "Confirmed" }))
            : (HttpStatusCode.NotFound, "{}");
        var cut = Countdown("Held", Start.AddMinutes(10), interactive: true);

        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        cut.WaitForAssertion(() => Assert.Contains("This booking is confirmed", cut.Find(".countdown").TextContent, StringComparison.Ordinal));
        Assert.Single(_api.Asked);
    }

    [Fact]
    public void A_lapsed_hold_says_the_dates_were_released_without_a_circuit()
    {
        var cut = Countdown("Held", Start.AddSeconds(-1), interactive: false);

        Assert.Equal("alert", cut.Find(".countdown.expired").GetAttribute("role"));
        Assert.Equal("0", SecondsLeft(cut));
    }

    [Fact]
    public void An_exports_bar_follows_the_job_until_its_download_appears()
    {
        var id = Guid.NewGuid();
        var running = Job(id, "Running", 40, null);
        var finished = Job(id, "Succeeded", 100, $"/api/staff/jobs/{id}/file");
        _api.Answer = path => path == $"/api/staff/jobs/{id}" ? (HttpStatusCode.OK, Fixtures.Json(finished)) : (HttpStatusCode.NotFound, "{}");
        SetRendererInfo(new RendererInfo("Server", true));
        var cut = Render<JobProgress>(p => p.Add(x => x.Job, running));
        Assert.Equal("40", cut.Find("progress").GetAttribute("value"));
        Assert.Empty(cut.FindAll("a.download"));

        _time.Advance(JobProgress.PollEvery);

        cut.WaitForAssertion(() => Assert.Equal($"/staff/exports/{id}/file", cut.Find("a.download").GetAttribute("href")));
        Assert.Single(_api.Asked);
        _time.Advance(JobProgress.PollEvery * 4);
        Assert.Single(_api.Asked); // a finished export is not asked about again
    }

    [Fact]
    public void The_badge_reads_the_count_when_its_circuit_starts_and_again_every_15_seconds()
    {
        var unread = 3;
        _api.Answer = path => path == "/api/staff/notifications/summary"
            ? (HttpStatusCode.OK, Fixtures.Json(new { unread }))
            : (HttpStatusCode.NotFound, "{}");
        SetRendererInfo(new RendererInfo("Server", true));
        var cut = Render<NotificationsBadge>();
        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-badge]").GetAttribute("data-badge")));
        Assert.Single(_api.Asked);

        unread = 0;
        _time.Advance(NotificationsBadge.PollEvery - TimeSpan.FromSeconds(1));
        Assert.Single(_api.Asked);
        _time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal("0", cut.Find("[data-badge]").GetAttribute("data-badge")));
        Assert.Empty(cut.FindAll(".badge"));
        Assert.Equal(2, _api.Asked.Count);
    }

    [Fact]
    public void The_badge_shows_nothing_while_the_Api_is_failing_and_the_count_once_it_answers()
    {
        var failing = true;
        _api.Answer = path => failing ? (HttpStatusCode.ServiceUnavailable, "{}") : (HttpStatusCode.OK, Fixtures.Json(new { unread = 2 }));
        SetRendererInfo(new RendererInfo("Server", true));
        var cut = Render<NotificationsBadge>();
        cut.WaitForAssertion(() => Assert.NotEmpty(_api.Asked));
        Assert.Equal("0", cut.Find("[data-badge]").GetAttribute("data-badge"));

        failing = false;
        _time.Advance(NotificationsBadge.PollEvery);
        cut.WaitForAssertion(() => Assert.Equal("2 unread", cut.Find(".badge").TextContent));
    }

    private static JobView Job(Guid id, string status, double percent, string? download) => new(
        id, "export", System.Text.Json.JsonDocument.Parse("""{"dataset":"bookings"}""").RootElement, 0, status, false,
        percent, 400, 1000, null, Start, Start, null, null, download, download is null ? null : "bookings.csv", download is null ? null : 1234, null, null);
}
