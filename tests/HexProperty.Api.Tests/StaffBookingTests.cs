using System.Net;
using HexProperty.Data.Model;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class StaffBookingTests(ApiFixture api)
{
    [Fact]
    public async Task Staff_take_a_phone_booking_record_its_payment_check_the_guest_in_and_out()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unit) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today;
        var hold = await staff.Client.PostJsonAsync("/api/staff/bookings", Guest.Hold(unit, checkIn, checkIn.AddDays(2)), Json.Key());
        Assert.Equal(HttpStatusCode.Created, hold.StatusCode);
        var held = await hold.BodyAsync();
        var list = await (await staff.Client.GetAsync("/api/staff/bookings?status=Held")).BodyAsync();
        var id = (Guid)list["items"]![0]!["id"]!;
        Assert.Equal("Staff", (string?)list["items"]![0]!["source"]);

        var paid = await staff.Client.PostJsonAsync($"/api/staff/bookings/{id}/payments", new { amount = (decimal)held["total"]!, currency = "EUR", method = PaymentMethod.Cash }, Json.Key());
        var checkedIn = await staff.Client.PostAsync($"/api/staff/bookings/{id}/check-in", null);
        var checkedOut = await staff.Client.PostAsync($"/api/staff/bookings/{id}/check-out", null);
        var payments = await (await staff.Client.GetAsync("/api/staff/payments")).BodyAsync();

        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        Assert.Equal("Confirmed", (string?)(await paid.BodyAsync())["status"]);
        Assert.Equal("CheckedIn", (string?)(await checkedIn.BodyAsync())["status"]);
        Assert.Equal("Completed", (string?)(await checkedOut.BodyAsync())["status"]);
        Assert.Equal("Cash", (string?)payments["items"]![0]!["method"]);
        Assert.Equal((string?)held["reference"], (string?)payments["items"]![0]!["bookingReference"]);
    }

    [Fact]
    public async Task Booking_filters_narrow_the_list_and_pages_cover_it_once()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var property = await staff.CreatePropertyAsync();
        var unitA = await staff.CreateUnitAsync(property);
        var unitB = await staff.CreateUnitAsync(property);
        var start = api.Clock.Today.AddDays(10);
        var client = api.Client();
        for (var i = 0; i < 3; i++)
        {
            await Guest.BookAsync(client, unitA, start.AddDays(i * 5), start.AddDays(i * 5 + 2));
            await Guest.HoldAsync(client, unitB, start.AddDays(i * 5), start.AddDays(i * 5 + 2));
        }

        var all = await (await staff.Client.GetAsync("/api/staff/bookings")).BodyAsync();
        var confirmed = await (await staff.Client.GetAsync("/api/staff/bookings?status=Confirmed")).BodyAsync();
        var onB = await (await staff.Client.GetAsync($"/api/staff/bookings?unitId={unitB}")).BodyAsync();
        var window = await (await staff.Client.GetAsync($"/api/staff/bookings?from={start.AddDays(5):yyyy-MM-dd}&to={start.AddDays(6):yyyy-MM-dd}")).BodyAsync();

        Assert.Equal(6, all["items"]!.AsArray().Count);
        Assert.All(confirmed["items"]!.AsArray(), b => Assert.Equal("Confirmed", (string?)b!["status"]));
        Assert.Equal(3, confirmed["items"]!.AsArray().Count);
        Assert.All(onB["items"]!.AsArray(), b => Assert.Equal(unitB.ToString(), (string?)b!["unitId"]));
        Assert.Equal(2, window["items"]!.AsArray().Count);

        var paged = new List<string>();
        string? after = null;
        do
        {
            var page = await (await staff.Client.GetAsync("/api/staff/bookings?limit=4" + (after is null ? "" : $"&after={after}"))).BodyAsync();
            paged.AddRange(page["items"]!.AsArray().Select(b => (string)b!["id"]!));
            after = (string?)page["next"];
        }
        while (after is not null);

        Assert.Equal(all["items"]!.AsArray().Select(b => (string)b!["id"]!), paged);

        // Every order, both ways, paged in fours across ties (the units share check-ins and totals): each booking comes
        // exactly once, in the order asked for, and paging gives the same order as one page of all.
        foreach (var (sort, key) in new (string, string)[] { ("checkIn", "checkIn"), ("createdAt", "createdAt"), ("total", "total") })
        {
            foreach (var descending in new[] { false, true })
            {
                var order = (descending ? "-" : "") + sort;
                var whole = (await (await staff.Client.GetAsync($"/api/staff/bookings?sort={order}&limit=100")).BodyAsync())["items"]!.AsArray();
                var rows = new List<System.Text.Json.Nodes.JsonNode>();
                after = null;
                do
                {
                    var page = await (await staff.Client.GetAsync($"/api/staff/bookings?sort={order}&limit=4" + (after is null ? "" : $"&after={after}"))).BodyAsync();
                    rows.AddRange(page["items"]!.AsArray().Select(b => b!));
                    after = (string?)page["next"];
                }
                while (after is not null);

                Assert.Equal(whole.Select(b => (string)b!["id"]!), rows.Select(b => (string)b["id"]!));
                Assert.Equal(6, rows.Select(b => (string)b["id"]!).Distinct().Count());
                var keys = rows.Select(b => b[key]!.ToString()).ToList();
                var sorted = key == "total"
                    ? keys.OrderBy(k => decimal.Parse(k, System.Globalization.CultureInfo.InvariantCulture)).ToList()
                    : [.. keys.Order(StringComparer.Ordinal)]; // ISO dates and times sort as text
                if (descending)
                {
                    sorted.Reverse();
                }

                Assert.True(sorted.SequenceEqual(keys), $"{order}: {string.Join(", ", keys)}");
            }
        }
    }

    [Fact]
    public async Task A_block_closes_nights_refuses_to_cover_a_booking_and_reopens_them_when_removed()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (property, unit) = await staff.CreateBookableUnitAsync();
        var day = api.Clock.Today.AddDays(90);
        var client = api.Client();
        await Guest.BookAsync(client, unit, day, day.AddDays(2));

        var overBooking = await staff.Client.PostJsonAsync($"/api/staff/units/{unit}/blocks", new { kind = BlockKind.Owner, start = day.AddDays(1), end = day.AddDays(4) });
        var block = await staff.Client.PostJsonAsync($"/api/staff/units/{unit}/blocks", new { kind = BlockKind.Maintenance, start = day.AddDays(2), end = day.AddDays(5), note = "boiler" });
        var blockId = (Guid)(await block.BodyAsync())["id"]!;
        var guestOnBlock = await client.PostJsonAsync("/api/bookings", Guest.Hold(unit, day.AddDays(3), day.AddDays(6)), Json.Key());
        var moved = await staff.Client.PutJsonAsync($"/api/staff/blocks/{blockId}", new { kind = BlockKind.Maintenance, start = day.AddDays(3), end = day.AddDays(6), note = "boiler" });
        var calendar = await (await client.GetAsync($"/api/properties/{property}/availability?from={day:yyyy-MM-dd}&months=1")).BodyAsync();
        await staff.Client.DeleteAsync($"/api/staff/blocks/{blockId}");
        var afterRemoval = await client.PostJsonAsync("/api/bookings", Guest.Hold(unit, day.AddDays(3), day.AddDays(6)), Json.Key());

        Assert.Equal(HttpStatusCode.Conflict, overBooking.StatusCode);
        Assert.Equal("booked", (string?)(await overBooking.BodyAsync())["conflicts"]![0]!["reason"]);
        Assert.Equal(HttpStatusCode.Created, block.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, guestOnBlock.StatusCode);
        Assert.Equal("blocked", (string?)(await guestOnBlock.BodyAsync())["conflicts"]![0]!["reason"]);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Contains(calendar["units"]![0]!["unavailable"]!.AsArray(), s => (string?)s!["reason"] == "blocked" && (string?)s["checkIn"] == day.AddDays(3).ToString("yyyy-MM-dd"));
        Assert.Equal(HttpStatusCode.Created, afterRemoval.StatusCode);
    }
}
