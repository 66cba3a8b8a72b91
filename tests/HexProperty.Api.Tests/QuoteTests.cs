using System.Net;
using HexProperty.Data.Model;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class QuoteTests(ApiFixture api)
{
    [Fact]
    public async Task Rules_set_by_staff_price_the_quote_and_the_hold_stores_the_quote_the_guest_saw()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unit) = await staff.CreateBookableUnitAsync(rate: 100m);
        var monday = NextMonday(api.Clock.Today.AddDays(30));
        await staff.AddRuleAsync(unit, new { kind = RateRuleKind.Season, name = "Festival", startDate = monday.AddDays(1), endDate = monday.AddDays(2), nightlyPrice = 300m });
        await staff.AddRuleAsync(unit, new { kind = RateRuleKind.WeekendUplift, name = "Weekend", percent = 20m });
        await staff.AddRuleAsync(unit, new { kind = RateRuleKind.StayLengthDiscount, name = "Weekly", minNights = 7, percent = 10m });
        await staff.AddRuleAsync(unit, new { kind = RateRuleKind.Tax, name = "City tax", percent = 5m, amountPerGuestNight = 1m });
        var client = api.Client();

        var quote = await (await client.GetAsync($"/api/units/{unit}/quote?checkIn={monday:yyyy-MM-dd}&checkOut={monday.AddDays(7):yyyy-MM-dd}&guests=2")).BodyAsync();

        // Mon 100, Tue 300 (festival), Wed 100, Thu 100, Fri 120, Sat 120, Sun 100 = 940; weekly 10 % = 94;
        // taxable 940 - 94 + 50 = 896; tax 5 % = 44.80 + 1 x 2 guests x 7 nights = 58.80; total 954.80
        Assert.Equal([100m, 300m, 100m, 100m, 120m, 120m, 100m], quote["nights"]!.AsArray().Select(n => (decimal)n!["price"]!));
        Assert.Equal(94m, (decimal)quote["discount"]!["amount"]!);
        Assert.Equal(58.80m, (decimal)quote["taxes"]![0]!["amount"]!);
        Assert.Equal(954.80m, (decimal)quote["total"]!);

        var hold = await Guest.HoldAsync(client, unit, monday, monday.AddDays(7));
        Assert.Equal(954.80m, (decimal)hold["total"]!);
        Assert.Equal(quote.ToJsonString(), hold["quote"]!.ToJsonString());

        // A later price change does not touch the booking.
        var rules = await (await staff.Client.GetAsync($"/api/staff/units/{unit}/rate-rules")).BodyAsync();
        await staff.Client.DeleteAsync($"/api/staff/rate-rules/{rules.AsArray().First(r => (string?)r!["name"] == "Festival")!["id"]}");
        var lookup = await (await client.GetAsync($"/api/bookings/{hold["reference"]}?email={hold["guest"]!["email"]}")).BodyAsync();
        Assert.Equal(954.80m, (decimal)lookup["total"]!);
    }

    [Fact]
    public async Task A_hold_whose_price_changed_since_the_quote_is_refused_with_the_new_quote()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unit) = await staff.CreateBookableUnitAsync(rate: 100m);
        var checkIn = api.Clock.Today.AddDays(33);

        var response = await api.Client().PostJsonAsync("/api/bookings", Guest.Hold(unit, checkIn, checkIn.AddDays(2), expectedTotal: 199m), Json.Key());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.BodyAsync();
        Assert.Equal("https://hexproperty.dev/problems/price-changed", (string?)problem["type"]);
        Assert.Equal(250m, (decimal)problem["quote"]!["total"]!);
    }

    [Fact]
    public async Task A_quote_for_taken_nights_names_the_stay_in_the_way()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unit) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(34);
        await Guest.BookAsync(api.Client(), unit, checkIn, checkIn.AddDays(3));

        var response = await api.Client().GetAsync($"/api/units/{unit}/quote?checkIn={checkIn.AddDays(2):yyyy-MM-dd}&checkOut={checkIn.AddDays(5):yyyy-MM-dd}&guests=2");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var conflict = (await response.BodyAsync())["conflicts"]![0]!;
        Assert.Equal(checkIn.ToString("yyyy-MM-dd"), (string?)conflict["checkIn"]);
        Assert.Equal(checkIn.AddDays(3).ToString("yyyy-MM-dd"), (string?)conflict["checkOut"]);
    }

    private static DateOnly NextMonday(DateOnly from) => from.AddDays(((int)DayOfWeek.Monday - (int)from.DayOfWeek + 7) % 7);
}
