using System.Net;
using System.Text.Json.Nodes;
using HexProperty.Data.Model;

namespace HexProperty.Api.Tests;

/// <summary>
/// Every staff change lands in the agency's audit trail with who, when, what and the values before and after; only
/// owners read it, only their own agency's, filtered and paged; a change that fails leaves no entry.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuditTrailTests(ApiFixture api)
{
    [Fact]
    public async Task Staff_changes_are_recorded_with_who_when_and_the_values_before_and_after()
    {
        var owner = await StaffSession.SignUpAsync(api);
        var me = (await (await owner.Client.GetAsync("/api/staff/users")).BodyAsync())[0]!;
        var started = DateTimeOffset.UtcNow;

        var property = await owner.CreatePropertyAsync(name: "Casa Audit");
        var rename = new
        {
            name = "Casa Audited",
            description = "A test property",
            type = PropertyType.Apartment,
            addressLine = "Rua Direita 1",
            city = "Lisbon",
            country = "PT",
            latitude = 38.71m,
            longitude = -9.14m,
            amenities = new[] { "wifi" },
            cancellationPolicy = CancellationPolicy.Moderate,
            currency = "EUR",
            timeZone = "Europe/Lisbon",
        };
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PutJsonAsync($"/api/staff/properties/{property}", rename)).StatusCode);
        var unit = await owner.CreateUnitAsync(property);
        var rule = await owner.AddRuleAsync(unit, new { kind = RateRuleKind.WeekendUplift, name = "Weekend", percent = 10m });
        var agent = await owner.AddStaffAsync(StaffRole.Agent);
        var agentId = (Guid)(await (await agent.GetAsync("/api/staff/me")).BodyAsync())["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PutJsonAsync($"/api/staff/users/{agentId}", new { displayName = "Agent", role = StaffRole.Manager, active = true })).StatusCode);
        // A guest's booking is not a staff change; the agent cancelling it is.
        await Guest.BookAsync(api.Client(), unit, api.Clock.Today.AddDays(40), api.Clock.Today.AddDays(43));
        var booking = (Guid)(await (await owner.Client.GetAsync("/api/staff/bookings")).BodyAsync())["items"]![0]!["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsync($"/api/staff/bookings/{booking}/cancel", null)).StatusCode);

        var trail = await TrailAsync(owner.Client, "");
        var created = Single(trail, "property", property, AuditAction.Created);
        Assert.Equal((Guid)me["id"]!, (Guid)created["actorId"]!);
        Assert.Equal("Owner", (string)created["actorName"]!);
        Assert.Equal("Casa Audit", (string)created["after"]!["name"]!);
        Assert.Null(created["before"]);
        Assert.InRange((DateTimeOffset)created["at"]!, started.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));

        var changed = Single(trail, "property", property, AuditAction.Changed);
        Assert.Equal("Casa Audit", (string)changed["before"]!["name"]!);
        Assert.Equal("Casa Audited", (string)changed["after"]!["name"]!);
        Assert.Null(changed["after"]!["city"]); // only what changed

        Single(trail, "unit", unit, AuditAction.Created);
        Assert.Equal(10m, (decimal)Single(trail, "rate-rule", rule, AuditAction.Created)["after"]!["percent"]!);
        Assert.Equal("Agent", (string)Single(trail, "staff-user", agentId, AuditAction.Created)["after"]!["role"]!);
        var promoted = Single(trail, "staff-user", agentId, AuditAction.Changed);
        Assert.Equal("Agent", (string)promoted["before"]!["role"]!);
        Assert.Equal("Manager", (string)promoted["after"]!["role"]!);

        var cancelled = Single(trail, "booking", booking, AuditAction.Changed);
        Assert.Equal(agentId, (Guid)cancelled["actorId"]!);
        Assert.Equal("Confirmed", (string)cancelled["before"]!["status"]!);
        Assert.Equal("Cancelled", (string)cancelled["after"]!["status"]!);
        Assert.Single(trail, e => (string)e!["entity"]! == "refund" && (string)e["action"]! == "Created");
        Assert.DoesNotContain(trail, e => (string)e!["entity"]! == "booking" && (string)e["action"]! == "Created");
        // The guest paid (no entry); the cancellation refunded the payment (an entry).
        var refunded = Assert.Single(trail, e => (string)e!["entity"]! == "payment")!;
        Assert.Equal("Changed", (string)refunded["action"]!);
        Assert.Equal("Succeeded", (string)refunded["before"]!["status"]!);
        Assert.DoesNotContain(trail.ToJsonString(), "passwordHash", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(trail.ToJsonString(), "AQAAAA", StringComparison.Ordinal); // an ASP.NET Core password hash's prefix

        // Newest first.
        var times = trail.Select(e => (DateTimeOffset)e!["at"]!).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
    }

    [Fact]
    public async Task Owners_filter_and_page_their_own_agency_trail_and_no_one_else_reads_it()
    {
        var owner = await StaffSession.SignUpAsync(api);
        var properties = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            properties.Add(await owner.CreatePropertyAsync(name: $"Paged {i}"));
        }

        // Pages of two walk every entry once, newest first.
        var seen = new List<Guid>();
        string? next = "";
        var pages = 0;
        while (next is not null)
        {
            var page = await (await owner.Client.GetAsync($"/api/staff/audit?entity=property&limit=2{(next == "" ? "" : "&after=" + next)}")).BodyAsync();
            seen.AddRange(page["items"]!.AsArray().Select(e => (Guid)e!["entityId"]!));
            next = (string?)page["next"];
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(properties), seen);

        var one = (await TrailAsync(owner.Client, $"?entityId={properties[2]}&action=Created")).Single()!;
        Assert.Equal("Paged 2", (string)one["after"]!["name"]!);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(5, (await TrailAsync(owner.Client, $"?entity=property&from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}")).Count);
        Assert.Empty(await TrailAsync(owner.Client, $"?entity=property&to={today.AddDays(-1):yyyy-MM-dd}"));

        foreach (var (query, field) in new[] { ("entity=villa", "entity"), ("limit=0", "limit"), ("after=bm9wZQ", "after"), ("from=2026-02-02&to=2026-02-01", "to"), ("action=Renamed", "action") })
        {
            var bad = await owner.Client.GetAsync("/api/staff/audit?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(field, await bad.ErrorFieldsAsync());
        }

        var manager = await owner.AddStaffAsync(StaffRole.Manager);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/staff/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Client().GetAsync("/api/staff/audit")).StatusCode);
        var stranger = await StaffSession.SignUpAsync(api);
        Assert.Empty(await TrailAsync(stranger.Client, $"?entityId={properties[0]}"));
        Assert.DoesNotContain((await TrailAsync(stranger.Client, "")).Select(e => (Guid)e!["entityId"]!), properties.Contains);
    }

    [Fact]
    public async Task A_change_the_database_refuses_leaves_no_entry()
    {
        var owner = await StaffSession.SignUpAsync(api);
        var (_, unit) = await owner.CreateBookableUnitAsync();
        await Guest.BookAsync(api.Client(), unit, api.Clock.Today.AddDays(50), api.Clock.Today.AddDays(53));
        var before = (await TrailAsync(owner.Client, "?entity=block")).Count;

        // Overlaps the booking: the block row is inserted, the exclusion constraint refuses its nights, all rolls back.
        var refused = await owner.Client.PostJsonAsync($"/api/staff/units/{unit}/blocks",
            new { kind = BlockKind.Maintenance, start = api.Clock.Today.AddDays(51), end = api.Clock.Today.AddDays(52) });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(before, (await TrailAsync(owner.Client, "?entity=block")).Count);

        var accepted = await owner.Client.PostJsonAsync($"/api/staff/units/{unit}/blocks",
            new { kind = BlockKind.Maintenance, start = api.Clock.Today.AddDays(60), end = api.Clock.Today.AddDays(62) });
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(before + 1, (await TrailAsync(owner.Client, "?entity=block")).Count);
    }

    private static JsonNode Single(JsonArray trail, string entity, Guid id, AuditAction action) =>
        Assert.Single(trail, e => (string)e!["entity"]! == entity && (Guid)e["entityId"]! == id && (string)e["action"]! == action.ToString())!;

    private static async Task<JsonArray> TrailAsync(HttpClient owner, string query)
    {
        var response = await owner.GetAsync("/api/staff/audit" + (query == "" ? "?limit=100" : query + "&limit=100"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.BodyAsync())["items"]!.AsArray();
    }
}
