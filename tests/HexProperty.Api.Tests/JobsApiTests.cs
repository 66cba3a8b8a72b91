using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Npgsql;

namespace HexProperty.Api.Tests;

/// <summary>
/// The Api's side of jobs, notifications, the dashboard and operations. The Worker's side (running jobs, writing
/// notifications, computing statistics) is tested in HexProperty.Worker.Tests; here the rows it would write are
/// written directly, so each Api rule is tested on its own.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class JobsApiTests(ApiFixture api)
{
    private static object Export(string dataset = "bookings", string from = "2026-01-01", string to = "2026-02-01") => new
    {
        type = "export",
        parameters = new { dataset, from, to, gzip = false },
    };

    [Fact]
    public async Task Bad_job_requests_name_the_field_and_queue_nothing()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var cases = new (object Body, string Field)[]
        {
            (new { type = "mine-bitcoin", parameters = new { } }, "type"),
            (new { type = "export" }, "parameters"),
            (new { type = "export", parameters = new { from = "2026-01-01", to = "2026-02-01" } }, "parameters"),
            (new { type = "export", parameters = new { dataset = "guests", from = "2026-01-01", to = "2026-02-01" } }, "parameters.dataset"),
            (new { type = "export", parameters = new { dataset = "bookings", from = "2026-02-01", to = "2026-01-01" } }, "parameters.to"),
            (new { type = "export", parameters = new { dataset = "bookings", from = "2026-01-01", to = "2026-02-01", gzipp = true } }, "parameters"),
            (new { type = "export", parameters = new { dataset = "bookings", from = "2026-01-01", to = "2026-02-01" }, priority = 12 }, "priority"),
        };
        foreach (var (body, field) in cases)
        {
            var response = await staff.Client.PostJsonAsync("/api/staff/jobs", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(await response.ErrorFieldsAsync(), f => f.StartsWith(field, StringComparison.Ordinal));
        }

        var history = await (await staff.Client.GetAsync("/api/staff/jobs")).BodyAsync();
        Assert.Empty(history["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.Client.GetAsync("/api/staff/jobs?after=garbage")).StatusCode);
    }

    [Fact]
    public async Task A_queued_job_is_listed_for_its_user_cancelled_at_once_and_invisible_to_other_agencies()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var other = await StaffSession.SignUpAsync(api);

        var queued = await staff.Client.PostJsonAsync("/api/staff/jobs", Export());
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var job = await queued.BodyAsync();
        var id = (Guid)job["id"]!;
        Assert.Equal($"/api/staff/jobs/{id}", queued.Headers.Location!.ToString());
        Assert.Equal("Queued", (string?)job["status"]);
        Assert.Equal(5, (int)job["priority"]!);

        var history = await (await staff.Client.GetAsync("/api/staff/jobs")).BodyAsync();
        Assert.Equal(id, (Guid)history["items"]![0]!["id"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/api/staff/jobs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.PostAsync($"/api/staff/jobs/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/api/staff/jobs/{id}/file")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.Client.GetAsync($"/api/staff/jobs/{id}/file")).StatusCode);

        var cancelled = await staff.Client.PostAsync($"/api/staff/jobs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        Assert.Equal("Cancelled", (string?)(await cancelled.BodyAsync())["status"]);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.Client.PostAsync($"/api/staff/jobs/{id}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task A_user_cannot_queue_more_than_five_unfinished_jobs_and_agents_cannot_rebuild_statistics()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var results = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            results.Add((await staff.Client.PostJsonAsync("/api/staff/jobs", Export())).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Accepted, 5), HttpStatusCode.Conflict], results);
        var agent = await staff.AddStaffAsync(StaffRole.Agent);
        var rebuild = await agent.PostJsonAsync("/api/staff/jobs", new { type = "stats-rebuild", parameters = new { from = "2026-01-01", to = "2026-02-01" } });
        Assert.Equal(HttpStatusCode.Forbidden, rebuild.StatusCode);
    }

    [Fact]
    public async Task A_finished_export_downloads_with_its_digest_for_its_agency_only_until_it_expires()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var other = await StaffSession.SignUpAsync(api);
        var id = (Guid)(await (await staff.Client.PostJsonAsync("/api/staff/jobs", Export())).BodyAsync())["id"]!;
        var content = "reference,total\nABCDEFGH,120.00\n"u8.ToArray();
        var file = Path.Combine(api.ExportsPath, $"bookings-{id:N}.csv");
        await File.WriteAllBytesAsync(file, content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        await SqlAsync(
            "update jobs set status = 'Succeeded', rows_done = 1, rows_total = 1, finished_at = now(), result_file = $2, result_bytes = $3, result_sha256 = $4, expires_at = now() + interval '7 days' where id = $1",
            id, file, (long)content.Length, sha);

        var view = await (await staff.Client.GetAsync($"/api/staff/jobs/{id}")).BodyAsync();
        Assert.Equal(100, (double)view["percent"]!);
        Assert.Equal($"/api/staff/jobs/{id}/file", (string?)view["download"]);
        var download = await staff.Client.GetAsync($"/api/staff/jobs/{id}/file");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal($"sha-256=:{Convert.ToBase64String(SHA256.HashData(content))}:", download.Headers.GetValues("Repr-Digest").Single());
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/api/staff/jobs/{id}/file")).StatusCode);

        File.Delete(file); // what the Worker's retention does
        Assert.Equal(HttpStatusCode.Gone, (await staff.Client.GetAsync($"/api/staff/jobs/{id}/file")).StatusCode);
    }

    [Fact]
    public async Task Notifications_list_count_and_mark_read_for_their_user_only()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var agent = await staff.AddStaffAsync(StaffRole.Agent);
        var owner = await UserIdAsync(staff.Email);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var id = Guid.CreateVersion7();
            ids.Add(id);
            await SqlAsync(
                "insert into notifications (id, agency_id, user_id, kind, title, body, event_id, created_at) values ($1, $2, $3, 'export-ready', $4, 'b', gen_random_uuid(), now() + make_interval(secs => $5))",
                id, staff.AgencyId, owner, $"note {i}", (double)i);
        }

        var page = await (await staff.Client.GetAsync("/api/staff/notifications?limit=2")).BodyAsync();
        Assert.Equal(["note 2", "note 1"], page["items"]!.AsArray().Select(n => (string)n!["title"]!));
        var rest = await (await staff.Client.GetAsync($"/api/staff/notifications?limit=2&after={(string)page["next"]!}")).BodyAsync();
        Assert.Equal(["note 0"], rest["items"]!.AsArray().Select(n => (string)n!["title"]!));
        Assert.Equal(3, (int)(await (await staff.Client.GetAsync("/api/staff/notifications/summary")).BodyAsync())["unread"]!);

        Assert.Equal(HttpStatusCode.NotFound, (await agent.PostAsync($"/api/staff/notifications/{ids[0]}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.Client.PostAsync($"/api/staff/notifications/{ids[0]}/read", null)).StatusCode);
        Assert.Equal(2, (int)(await (await staff.Client.GetAsync("/api/staff/notifications/summary")).BodyAsync())["unread"]!);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.Client.PostAsync("/api/staff/notifications/read-all", null)).StatusCode);
        Assert.Empty((await (await staff.Client.GetAsync("/api/staff/notifications?unread=true")).BodyAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Only_operators_list_and_replay_dead_letters_and_a_replay_happens_once()
    {
        var staff = await StaffSession.SignUpAsync(api);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Client.GetAsync("/api/ops/dead-letters")).StatusCode);
        var client = await staff.OperatorAsync();
        var letter = Guid.CreateVersion7();
        var eventId = Guid.CreateVersion7();
        var consumer = "tests." + Guid.NewGuid().ToString("N")[..8];
        await SqlAsync(
            "insert into dead_letters (id, consumer, event_id, type, body, attempts, error, dead_at) values ($1, $2, $3, 'booking.confirmed', $4, 5, 'handler failed', now())",
            letter, consumer, eventId, """{"type":"booking.confirmed"}"""u8.ToArray());

        var list = await (await client.GetAsync($"/api/ops/dead-letters?consumer={consumer}")).BodyAsync();
        Assert.Equal(letter, (Guid)list["items"]![0]!["id"]!);
        Assert.Equal("handler failed", (string?)list["items"]![0]!["error"]);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/ops/dead-letters/{letter}/replay", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/ops/dead-letters/{letter}/replay", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/ops/dead-letters/{Guid.NewGuid()}/replay", null)).StatusCode);
        Assert.Equal(1L, await ScalarAsync("select count(*) from outbox_messages where id = $1 and destination = $2", eventId, consumer));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/ops/schedules")).StatusCode);
    }

    [Fact]
    public async Task The_dashboard_reads_the_daily_statistics_of_its_agency()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (property, unit) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(10);
        var booked = await Guest.BookAsync(api.Client(), unit, checkIn, checkIn.AddDays(2));
        await using (var dataSource = NpgsqlDataSource.Create(api.DatabaseConnectionString))
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            // What the Worker's daily-stats schedule does with the days the booking marked stale.
            await DailyStats.RecomputeAsync(connection, transaction, [property], checkIn.AddDays(-5), checkIn.AddDays(5), DateTimeOffset.UtcNow, CancellationToken.None);
            await transaction.CommitAsync();
        }

        var dashboard = await (await staff.Client.GetAsync($"/api/staff/dashboard?from={checkIn:yyyy-MM-dd}&to={checkIn.AddDays(4):yyyy-MM-dd}")).BodyAsync();
        var totals = dashboard["totals"]!;
        Assert.Equal(4, (long)totals["nightsAvailable"]!); // one unit, four days
        Assert.Equal(2, (long)totals["nightsSold"]!);
        Assert.Equal(0.5, (double)totals["occupancy"]!);
        Assert.InRange((decimal)totals["revenue"]!, (decimal)booked["total"]! - 0.02m, (decimal)booked["total"]! + 0.02m); // rounded per night
        Assert.Equal(1, (int)totals["arrivalsConfirmed"]!);
        Assert.Equal(4, dashboard["days"]!.AsArray().Count);

        var other = await StaffSession.SignUpAsync(api);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/api/staff/dashboard?propertyId={property}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.Client.GetAsync("/api/staff/dashboard?from=2026-03-01&to=2026-02-01")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.Client.GetAsync("/api/staff/dashboard?from=2024-01-01&to=2026-02-01")).StatusCode);
    }

    private async Task<Guid> UserIdAsync(string email) => (Guid)(await ScalarAsync("select id from staff_users where email = $1", email))!;

    private Task SqlAsync(string sql, params object[] parameters) => ScalarAsync(sql, parameters);

    private async Task<object?> ScalarAsync(string sql, params object[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(api.DatabaseConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return await command.ExecuteScalarAsync();
    }
}
