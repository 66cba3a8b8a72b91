using Bunit;
using HexProperty.Web.Api;
using HexProperty.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HexProperty.Web.Tests;

/// <summary>The stay planner island: choosing nights on the calendar, prices following the stay, the calendar following the check-in.</summary>
public sealed class StayPlannerTests : BunitContext
{
    private static readonly DateOnly March = new(2027, 3, 1);
    private readonly StubApi _api = new() { Answer = Fixtures.Answer };

    public StayPlannerTests()
    {
        Services.AddSingleton(_api.Client());
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2027, 3, 10, 12, 0, 0, TimeSpan.Zero)));
        JSInterop.Mode = JSRuntimeMode.Loose; // the address update is a module call the test does not need to answer
    }

    private IRenderedComponent<StayPlanner> RenderPlanner(bool interactive = true)
    {
        SetRendererInfo(new RendererInfo(interactive ? "Server" : "Static", interactive));
        return Render<StayPlanner>(p => p
            .Add(x => x.PropertyId, Fixtures.PropertyId)
            .Add(x => x.Currency, "EUR")
            .Add(x => x.Units, [Fixtures.Unit])
            .Add(x => x.From, March)
            .Add(x => x.Calendar, Fixtures.Calendar(March)));
    }

    private static decimal Total(IRenderedComponent<StayPlanner> cut) =>
        decimal.Parse(cut.Find("[data-total]").GetAttribute("data-total")!, System.Globalization.CultureInfo.InvariantCulture);

    private static string Day(int month, int day) => $"button.day[data-date='2027-{month:00}-{day:00}']";

    [Fact]
    public void Two_nights_chosen_on_the_calendar_are_priced_and_marked()
    {
        var cut = RenderPlanner();
        cut.Find(Day(3, 15)).Click();
        cut.Find(Day(3, 17)).Click();

        cut.WaitForAssertion(() => Assert.Equal(190m, Total(cut)));
        Assert.Equal("2027-03-15", cut.Find("#checkIn").GetAttribute("value"));
        Assert.Equal("2027-03-17", cut.Find("#checkOut").GetAttribute("value"));
        Assert.Equal("true", cut.Find(Day(3, 15)).GetAttribute("aria-pressed"));
        Assert.Equal("true", cut.Find(Day(3, 16)).GetAttribute("aria-pressed"));
        Assert.Equal("false", cut.Find(Day(3, 17)).GetAttribute("aria-pressed")); // the night of leaving is not stayed
        Assert.Single(_api.Asked, a => a.Contains("/quote?checkIn=2027-03-15&checkOut=2027-03-17&guests=2", StringComparison.Ordinal));
    }

    [Fact]
    public void A_night_on_or_before_the_check_in_starts_the_stay_again()
    {
        var cut = RenderPlanner();
        cut.Find(Day(3, 15)).Click();
        cut.Find(Day(3, 12)).Click();

        Assert.Equal("2027-03-12", cut.Find("#checkIn").GetAttribute("value"));
        Assert.Null(cut.Find("#checkOut").GetAttribute("value"));
        Assert.DoesNotContain(_api.Asked, a => a.Contains("/quote", StringComparison.Ordinal));
    }

    [Fact]
    public void Typed_dates_and_guests_reprice_once_per_change()
    {
        var cut = RenderPlanner();
        cut.Find("#checkIn").Change("2027-03-20");
        cut.Find("#checkOut").Change("2027-03-23");
        cut.WaitForAssertion(() => Assert.Equal(280m, Total(cut)));
        cut.Find("#guests").Change("3");
        cut.WaitForAssertion(() => Assert.Contains("3 guests", cut.Find(".quote-lines caption").TextContent, StringComparison.Ordinal));

        Assert.Equal(2, _api.Asked.Count(a => a.Contains("/quote", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_slow_answer_for_an_earlier_stay_does_not_replace_the_latest_stays_price()
    {
        // CI saw it: the answer for the stay before the last change came back last and took the price away.
        var earlier = new TaskCompletionSource();
        _api.Delay = path => path.Contains("checkOut=2027-03-22", StringComparison.Ordinal) ? earlier.Task : Task.CompletedTask;
        var cut = RenderPlanner();
        cut.Find("#checkIn").Change("2027-03-20");
        cut.Find("#checkOut").Change("2027-03-22");
        cut.Find("#checkOut").Change("2027-03-23");
        cut.WaitForAssertion(() => Assert.Equal(280m, Total(cut)));

        var quote = cut.FindComponent<QuoteBox>();
        var renders = quote.RenderCount;

        earlier.SetResult(); // the 2-night answer arrives after the 3-night one, and the quote renders once it is handled

        cut.WaitForAssertion(() => Assert.True(quote.RenderCount > renders));
        Assert.Equal(280m, Total(cut));
    }

    [Fact]
    public void A_check_in_months_away_brings_the_calendar_to_its_month()
    {
        var cut = RenderPlanner();
        cut.Find("#checkIn").Change("2027-08-20");

        cut.WaitForAssertion(() => Assert.Equal("August 2027", cut.FindAll(".month caption")[0].TextContent));
        Assert.Contains(_api.Asked, a => a.Contains("/availability?from=2027-08-01&months=2", StringComparison.Ordinal));
        Assert.Equal("true", cut.Find(Day(8, 20)).GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Without_a_circuit_it_is_a_plain_form_with_its_button_and_no_day_buttons()
    {
        var cut = RenderPlanner(interactive: false);

        Assert.Equal("get", cut.Find("form").GetAttribute("method"));
        Assert.Single(cut.FindAll("button[type=submit]"));
        Assert.Empty(cut.FindAll("button.day"));
        Assert.NotEmpty(cut.FindAll("td.free"));
    }
}
