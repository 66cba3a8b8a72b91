using System.Net;
using HexProperty.Data.Model;

namespace HexProperty.Api.Tests;

/// <summary>
/// Limits and uniqueness rules under concurrency: a per-caller limit holds when one caller sends ten requests at
/// once, and a uniqueness rule answers its 4xx, never a 500, when different callers race for it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RaceTests(ApiFixture api)
{
    private const int Callers = 10;

    [Fact]
    public async Task Ten_parallel_holds_by_one_guest_get_exactly_the_limit_and_conflicts_for_the_rest()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var property = await staff.CreatePropertyAsync();
        var units = new List<Guid>();
        for (var i = 0; i < Callers; i++)
        {
            units.Add(await staff.CreateUnitAsync(property)); // one unit each: no two holds wait on the same unit's lock
        }

        var email = $"greedy-{Guid.NewGuid():N}@example.test";
        var checkIn = api.Clock.Today.AddDays(40);
        var answers = await Task.WhenAll(units.Select(unit =>
            api.Client().PostJsonAsync("/api/bookings", Guest.Hold(unit, checkIn, checkIn.AddDays(2), email), Json.Key())));

        var statuses = answers.Select(a => a.StatusCode).ToList();
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Created)); // BookingOptions.MaxLiveHoldsPerGuest
        Assert.Equal(Callers - 3, statuses.Count(s => s == HttpStatusCode.Conflict));
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.EndsWith("/too-many-holds", (string?)(await refused.BodyAsync())["type"]);
        }
    }

    [Fact]
    public async Task Ten_parallel_jobs_by_one_user_get_exactly_the_limit_and_conflicts_for_the_rest()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var answers = await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => staff.Client.PostJsonAsync("/api/staff/jobs", new
        {
            type = "export",
            parameters = new { dataset = "bookings", from = "2026-01-01", to = "2026-02-01", gzip = false },
        })));

        var statuses = answers.Select(a => a.StatusCode).ToList();
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Accepted)); // StaffJobsApi.MaxUnfinishedPerUser
        Assert.Equal(Callers - 5, statuses.Count(s => s == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Ten_agencies_signing_up_with_one_email_at_once_get_one_created_and_conflicts()
    {
        var email = $"race-{Guid.NewGuid():N}@agency.test";
        var answers = await Task.WhenAll(Enumerable.Range(0, Callers).Select(i =>
            api.Client().PostJsonAsync("/api/agencies", new { agencyName = $"Racer {i}", ownerName = "Owner", email, password = "correct horse 42" })));

        var statuses = answers.Select(a => a.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(Callers - 1, statuses.Count(s => s == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Two_agencies_adding_one_staff_email_at_once_get_one_created_and_a_conflict()
    {
        var first = await StaffSession.SignUpAsync(api);
        var second = await StaffSession.SignUpAsync(api);
        var email = $"wanted-{Guid.NewGuid():N}@agency.test";
        var answers = await Task.WhenAll(Enumerable.Range(0, Callers).Select(i =>
            (i % 2 == 0 ? first : second).Client.PostJsonAsync("/api/staff/users", new { email, displayName = "Wanted", role = "Agent", password = "correct horse 42" })));

        var statuses = answers.Select(a => a.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(Callers - 1, statuses.Count(s => s == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Two_staff_paying_two_bookings_with_one_key_at_once_record_one_payment_and_refuse_the_other()
    {
        var owner = await StaffSession.SignUpAsync(api);
        var manager = await owner.AddStaffAsync(StaffRole.Manager);
        var (_, unit) = await owner.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(20);
        var holds = new List<(Guid Id, decimal Total)>();
        foreach (var offset in new[] { 0, 5 })
        {
            var held = await (await owner.Client.PostJsonAsync("/api/staff/bookings", Guest.Hold(unit, checkIn.AddDays(offset), checkIn.AddDays(offset + 2)), Json.Key())).BodyAsync();
            var row = (await (await owner.Client.GetAsync($"/api/staff/bookings?status=Held")).BodyAsync())["items"]!.AsArray()
                .Single(r => (string?)r!["reference"] == (string?)held["reference"])!;
            holds.Add(((Guid)row["id"]!, (decimal)held["total"]!));
        }

        var key = Json.Key(); // scoped per caller by the middleware, unique per agency in the payments table
        var answers = await Task.WhenAll(holds.Select((hold, i) => (i == 0 ? owner.Client : manager).PostJsonAsync(
            $"/api/staff/bookings/{hold.Id}/payments", new { amount = hold.Total, currency = "EUR", method = PaymentMethod.Cash }, key)));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.UnprocessableEntity], answers.Select(a => a.StatusCode).Order());
        var payments = await (await owner.Client.GetAsync("/api/staff/payments")).BodyAsync();
        Assert.Single(payments["items"]!.AsArray());
    }

    [Fact]
    public async Task Guests_racing_with_one_idempotency_key_get_one_hold_and_no_5xx()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unit) = await staff.CreateBookableUnitAsync();
        var key = Json.Key();
        var checkIn = api.Clock.Today.AddDays(50);
        var answers = await Task.WhenAll(Enumerable.Range(0, Callers).Select(i =>
            api.Client().PostJsonAsync("/api/bookings", Guest.Hold(unit, checkIn.AddDays(i * 3), checkIn.AddDays(i * 3 + 2)), key)));

        var statuses = answers.Select(a => (int)a.StatusCode).ToList();
        Assert.All(statuses, s => Assert.InRange(s, 200, 499));
        Assert.Equal(1, statuses.Count(s => s == 201));
        Assert.All(statuses.Where(s => s != 201), s => Assert.Contains(s, new[] { 409, 422 }));
        var held = await (await staff.Client.GetAsync("/api/staff/bookings")).BodyAsync();
        Assert.Single(held["items"]!.AsArray());
    }
}
