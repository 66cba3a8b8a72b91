using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class DoubleBookingTests(ApiFixture api)
{
    [Fact]
    public async Task Fifty_concurrent_holds_on_overlapping_dates_give_exactly_one_booking()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (propertyId, unitId) = await staff.CreateBookableUnitAsync();
        var start = api.Clock.Today.AddDays(40);
        var guest = api.Client();

        // Fifty different guests, each asking for 3 nights starting on one of three days: every pair overlaps.
        var attempts = Enumerable.Range(0, 50).Select(i =>
        {
            var checkIn = start.AddDays(i % 3);
            return guest.PostJsonAsync("/api/bookings", Guest.Hold(unitId, checkIn, checkIn.AddDays(3)), Json.Key());
        }).ToList();
        var responses = await Task.WhenAll(attempts);

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(49, statuses.Count(s => s == HttpStatusCode.Conflict));
        var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.Created).BodyAsync();
        var refused = await responses.First(r => r.StatusCode == HttpStatusCode.Conflict).BodyAsync();
        Assert.Equal("https://hexproperty.dev/problems/dates-unavailable", (string?)refused["type"]);
        Assert.Equal((string?)winner["checkIn"], (string?)refused["conflicts"]![0]!["checkIn"]);

        var calendar = await (await guest.GetAsync($"/api/properties/{propertyId}/availability?from={start:yyyy-MM-dd}&months=1")).BodyAsync();
        var taken = calendar["units"]![0]!["unavailable"]!.AsArray();
        Assert.Single(taken);
        Assert.Equal((string?)winner["checkIn"], (string?)taken[0]!["checkIn"]);
        Assert.Equal((string?)winner["checkOut"], (string?)taken[0]!["checkOut"]);

        await using var connection = new NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from bookings where unit_id = $1", connection) { Parameters = { new() { Value = unitId } } };
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_database_refuses_an_overlap_whatever_code_path_tries_it()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unitId) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(50);
        await Guest.BookAsync(api.Client(), unitId, checkIn, checkIn.AddDays(4));

        // Straight to the table, past the Api: the exclusion constraint still refuses.
        await using var connection = new NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var block = new NpgsqlCommand(
            "insert into blocks (id, unit_id, agency_id, kind, start_date, end_date, created_at) values ($1, $2, $3, 'Owner', $4, $5, now())", connection);
        var blockId = Guid.NewGuid();
        block.Parameters.AddWithValue(blockId);
        block.Parameters.AddWithValue(unitId);
        block.Parameters.AddWithValue(staff.AgencyId);
        block.Parameters.AddWithValue(checkIn.AddDays(3));
        block.Parameters.AddWithValue(checkIn.AddDays(6));
        await block.ExecuteNonQueryAsync();
        await using var occupy = new NpgsqlCommand("insert into unit_occupancy (unit_id, block_id, check_in, check_out) values ($1, $2, $3, $4)", connection);
        occupy.Parameters.AddWithValue(unitId);
        occupy.Parameters.AddWithValue(blockId);
        occupy.Parameters.AddWithValue(checkIn.AddDays(3));
        occupy.Parameters.AddWithValue(checkIn.AddDays(6));

        var refused = await Assert.ThrowsAsync<PostgresException>(() => occupy.ExecuteNonQueryAsync());

        Assert.Equal("23P01", refused.SqlState);
        Assert.Equal("unit_occupancy_no_overlap", refused.ConstraintName);
    }

    /// <summary>Hands out a reference another booking already has, then fresh ones.</summary>
    private sealed class ClashingReferences(string taken) : HexProperty.Api.Bookings.BookingReferences
    {
        private int _calls;

        public override string New() => Interlocked.Increment(ref _calls) == 1 ? taken : base.New();
    }

    [Fact]
    public async Task A_reference_that_clashes_with_an_existing_booking_is_drawn_again()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unitId) = await staff.CreateBookableUnitAsync();
        var day = api.Clock.Today.AddDays(65);
        var first = await Guest.HoldAsync(api.Client(), unitId, day, day.AddDays(2));
        var clashing = new ClashingReferences((string)first["reference"]!);
        using var factory = api.Api.WithWebHostBuilder(web => web.ConfigureServices(
            services => services.AddSingleton<HexProperty.Api.Bookings.BookingReferences>(clashing)));

        var second = await factory.CreateClient().PostJsonAsync("/api/bookings", Guest.Hold(unitId, day.AddDays(3), day.AddDays(5)), Json.Key());

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.NotEqual((string?)first["reference"], (string?)(await second.BodyAsync())["reference"]);
    }

    [Fact]
    public async Task Back_to_back_stays_do_not_overlap()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unitId) = await staff.CreateBookableUnitAsync();
        var day = api.Clock.Today.AddDays(60);
        var client = api.Client();

        await Guest.BookAsync(client, unitId, day, day.AddDays(3));
        var next = await client.PostJsonAsync("/api/bookings", Guest.Hold(unitId, day.AddDays(3), day.AddDays(5)), Json.Key());
        var before = await client.PostJsonAsync("/api/bookings", Guest.Hold(unitId, day.AddDays(-2), day), Json.Key());

        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        Assert.Equal(HttpStatusCode.Created, before.StatusCode);
    }
}
