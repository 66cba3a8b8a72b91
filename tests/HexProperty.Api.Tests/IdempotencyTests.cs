using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HexProperty.Api.Infrastructure.Idempotency;
using Npgsql;

namespace HexProperty.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class IdempotencyTests(ApiFixture api)
{
    private async Task<long> CountAsync(string sql, object parameter)
    {
        await using var connection = new NpgsqlConnection(api.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = parameter } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_retried_hold_replays_the_first_response_and_books_once()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unitId) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(20);
        var request = Guest.Hold(unitId, checkIn, checkIn.AddDays(2));
        var key = Json.Key();
        var client = api.Client();

        var first = await client.PostJsonAsync("/api/bookings", request, key);
        var retry = await client.PostJsonAsync("/api/bookings", request, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await CountAsync("select count(*) from bookings where unit_id = $1", unitId));
    }

    [Fact]
    public async Task Concurrent_duplicates_of_one_request_book_once()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unitId) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(21);
        var request = Guest.Hold(unitId, checkIn, checkIn.AddDays(2));
        var key = Json.Key();
        var client = api.Client();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.PostJsonAsync("/api/bookings", request, key)));

        // The first runs; the rest wait for it (it takes milliseconds, far under the wait) and replay its answer.
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var references = await Task.WhenAll(responses.Select(async r => (string?)(await r.BodyAsync())["reference"]));
        Assert.Single(references.Distinct());
        Assert.Equal(9, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));

        Assert.Equal(1, await CountAsync("select count(*) from bookings where unit_id = $1", unitId));
    }

    [Fact]
    public async Task A_request_left_in_progress_by_a_process_that_died_is_taken_over_at_once()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unitId) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(25);
        var request = Guest.Hold(unitId, checkIn, checkIn.AddDays(2));
        var key = Json.Key();
        var owner = Random.Shared.Next(1, int.MaxValue);
        // Another replica's claim on this key, as it leaves it when killed mid-request: in progress, under its lease.
        var hash = SHA256.HashData([.. Encoding.UTF8.GetBytes("POST /api/bookings\n"), .. JsonSerializer.SerializeToUtf8Bytes(request, Json.Options)]);
        // Unpooled: closing it ends the session, as a killed process's connection does.
        await using var other = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(api.DatabaseConnectionString) { Pooling = false }.ConnectionString);
        await other.OpenAsync();
        await using (var claim = new NpgsqlCommand(
            "insert into idempotency_requests (scope, request_hash, state, created_at, owner) values ($1, $2, 'InProgress', $3, $4)", other)
        { Parameters = { new() { Value = $"guest|{key}" }, new() { Value = hash }, new() { Value = api.Clock.GetUtcNow() }, new() { Value = owner } } })
        {
            await claim.ExecuteNonQueryAsync();
        }

        await using (var lease = new NpgsqlCommand($"select pg_advisory_lock({ProcessLease.LockClass}, {owner})", other))
        {
            await lease.ExecuteNonQueryAsync();
        }

        var waited = Stopwatch.StartNew();
        var whileAlive = await api.Client().PostJsonAsync("/api/bookings", request, key);
        waited.Stop();
        // A retry the balancer sends the moment the process dies, before PostgreSQL has freed its lease: it waits, then
        // takes over. (Without the wait it would be a 409 well within this half second.)
        var retried = api.Client().PostJsonAsync("/api/bookings", request, key);
        await Task.WhenAny(retried, Task.Delay(TimeSpan.FromMilliseconds(500)));
        var waitedForTheLease = !retried.IsCompleted;
        await other.CloseAsync(); // the other process dies: its session, and so its lease, ends
        var afterDeath = await retried;

        // While its owner lives, the claim stays: the repeat waited its 2 s for an answer, then was told to retry.
        Assert.Equal(HttpStatusCode.Conflict, whileAlive.StatusCode);
        Assert.Equal("https://hexproperty.dev/problems/idempotency-request-in-progress", (string?)(await whileAlive.BodyAsync())["type"]);
        Assert.True(waited.Elapsed >= IdempotencyMiddleware.InProgressWait, $"answered 409 after {waited.Elapsed}");
        Assert.True(waitedForTheLease, "the retry did not wait for the claim's owner");
        Assert.Equal(HttpStatusCode.Created, afterDeath.StatusCode);
        Assert.Equal(1, await CountAsync("select count(*) from bookings where unit_id = $1", unitId));
    }

    [Fact]
    public async Task The_same_key_with_a_different_request_is_refused()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unitId) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(22);
        var key = Json.Key();
        var client = api.Client();

        var first = await client.PostJsonAsync("/api/bookings", Guest.Hold(unitId, checkIn, checkIn.AddDays(2)), key);
        var other = await client.PostJsonAsync("/api/bookings", Guest.Hold(unitId, checkIn.AddDays(5), checkIn.AddDays(7)), key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("https://hexproperty.dev/problems/idempotency-key-reused", (string?)(await other.BodyAsync())["type"]);
        Assert.Equal(1, await CountAsync("select count(*) from bookings where unit_id = $1", unitId));
    }

    [Fact]
    public async Task A_retried_payment_charges_once_and_replays_the_confirmation()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unitId) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(23);
        var email = $"payer-{Guid.NewGuid():N}@example.test";
        var client = api.Client();
        var hold = await Guest.HoldAsync(client, unitId, checkIn, checkIn.AddDays(3), email);
        var payment = Guest.Card(email, (decimal)hold["total"]!);
        var key = Json.Key();
        var url = $"/api/bookings/{hold["reference"]}/payments";

        var first = await client.PostJsonAsync(url, payment, key);
        var retry = await client.PostJsonAsync(url, payment, key);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.PostJsonAsync(url, payment, key)));
        var newKey = await client.PostJsonAsync(url, payment, Json.Key());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        // A new key is a new payment attempt: the booking is already confirmed, so nothing is charged.
        Assert.Equal(HttpStatusCode.Conflict, newKey.StatusCode);
        Assert.Equal("https://hexproperty.dev/problems/not-held", (string?)(await newKey.BodyAsync())["type"]);
        var bookingId = await CountAsync("select count(*) from payments p join bookings b on b.id = p.booking_id where b.reference = $1", (string)hold["reference"]!);
        Assert.Equal(1, bookingId);
    }

    [Fact]
    public async Task Creating_a_booking_or_payment_without_a_key_is_refused_and_creates_nothing()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (_, unitId) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(24);

        var hold = await api.Client().PostJsonAsync("/api/bookings", Guest.Hold(unitId, checkIn, checkIn.AddDays(2)));

        Assert.Equal(HttpStatusCode.BadRequest, hold.StatusCode);
        Assert.Equal(["Idempotency-Key"], await hold.ErrorFieldsAsync());
        Assert.Equal(0, await CountAsync("select count(*) from bookings where unit_id = $1", unitId));
    }
}
