using System.Net;
using System.Text.Json.Nodes;
using HexProperty.Data.Model;
using Npgsql;

namespace HexProperty.Api.Tests;

/// <summary>
/// What Alertmanager sends: only with its token, stored once per alert episode however often (and however
/// concurrently) it is delivered, and each change (firing, resolved) told to operators exactly once; operators list
/// and acknowledge, everyone else is refused.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AlertsTests(ApiFixture api)
{
    private static object Notification(string status, string fingerprint, DateTimeOffset startsAt, string endsAt = "0001-01-01T00:00:00Z", string alertname = "EndpointVerySlow") => new
    {
        version = "4",
        status,
        receiver = "api",
        alerts = new[]
        {
            new
            {
                status,
                labels = new Dictionary<string, string> { ["alertname"] = alertname, ["severity"] = "critical", ["job"] = "api", ["http_route"] = "/api/x" },
                annotations = new Dictionary<string, string> { ["summary"] = "api: GET /api/x p95 is 955ms (over 500 ms)" },
                startsAt,
                endsAt,
                generatorURL = "http://prometheus/graph",
                fingerprint,
            },
        },
    };

    [Fact]
    public async Task The_webhook_answers_401_to_a_caller_without_Alertmanager_token_before_looking_at_the_body()
    {
        var body = Notification("firing", "f" + Guid.NewGuid().ToString("N")[..15], api.Clock.GetUtcNow());
        using var anonymous = api.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostJsonAsync("/api/ops/alerts/notify", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostJsonAsync("/api/ops/alerts/notify", new { alerts = "not even a list" })).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFixture.AlertmanagerToken + "x");
        var wrong = await anonymous.PostJsonAsync("/api/ops/alerts/notify", body);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);

        // A staff member's token is not Alertmanager's either, operator or not.
        var staff = await StaffSession.SignUpAsync(api);
        Assert.Equal(HttpStatusCode.Unauthorized, (await (await staff.OperatorAsync()).PostJsonAsync("/api/ops/alerts/notify", body)).StatusCode);
    }

    [Theory]
    [InlineData("status", "alerts[0].status")]
    [InlineData("fingerprint", "alerts[0].fingerprint")]
    [InlineData("alertname", "alerts[0].labels")]
    [InlineData("startsAt", "alerts[0].startsAt")]
    [InlineData("endsAt", "alerts[0].endsAt")]
    [InlineData("alerts", "alerts")]
    [InlineData("label-nul", "alerts[0].labels")]
    [InlineData("label-name", "alerts[0].labels")]
    [InlineData("annotation-nul", "alerts[0].annotations")]
    public async Task Bad_webhook_input_is_a_400_naming_the_field_and_stores_nothing(string broken, string field)
    {
        var fingerprint = "b" + Guid.NewGuid().ToString("N")[..15];
        var alert = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Notification("firing", fingerprint, api.Clock.GetUtcNow()), Json.Options))!;
        var first = alert["alerts"]![0]!.AsObject();
        switch (broken)
        {
            case "status": first["status"] = "pending"; break;
            case "fingerprint": first.Remove("fingerprint"); break;
            case "alertname": first["labels"]!.AsObject().Remove("alertname"); break;
            case "startsAt": first.Remove("startsAt"); break;
            case "endsAt": first["endsAt"] = "yesterday"; break;
            case "alerts": alert["alerts"] = new JsonArray(); break;
            case "label-nul": first["labels"]!["job"] = "api\u0000"; break;
            case "label-name": first["labels"]!["not a name"] = "x"; break;
            case "annotation-nul": first["annotations"]!["summary"] = "slow\u0000"; break;
        }

        using var alertmanager = api.Alertmanager();
        var response = await alertmanager.PostAsync("/api/ops/alerts/notify", new StringContent(alert.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.BodyAsync())["errors"]![field] is not null, await response.Content.ReadAsStringAsync());
        Assert.Equal(0L, await CountAsync("select count(*) from alerts where fingerprint = $1", fingerprint));
    }

    [Fact]
    public async Task An_annotation_over_several_lines_is_stored_as_written()
    {
        var fingerprint = "m" + Guid.NewGuid().ToString("N")[..15];
        var alert = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Notification("firing", fingerprint, api.Clock.GetUtcNow()), Json.Options))!;
        alert["alerts"]![0]!["annotations"]!["summary"] = "p95 is 955ms\nsee the operations page";
        using var alertmanager = api.Alertmanager();
        var response = await alertmanager.PostAsync("/api/ops/alerts/notify", new StringContent(alert.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1L, await CountAsync("select count(*) from alerts where fingerprint = $1 and summary = $2", fingerprint, "p95 is 955ms\nsee the operations page"));
    }

    [Fact]
    public async Task Concurrent_deliveries_store_one_episode_and_tell_operators_once_when_it_fires_and_once_when_it_resolves()
    {
        var fingerprint = "c" + Guid.NewGuid().ToString("N")[..15];
        var startsAt = api.Clock.GetUtcNow().AddMinutes(-2);
        using var alertmanager = api.Alertmanager();
        // Alertmanager repeats a firing alert, and retries a delivery it did not see answered: all at once here.
        var firing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => alertmanager.PostJsonAsync("/api/ops/alerts/notify", Notification("firing", fingerprint, startsAt))));
        Assert.All(firing, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Equal(1L, await CountAsync("select count(*) from alerts where fingerprint = $1 and status = 'firing' and resolved_at is null", fingerprint));

        var endsAt = startsAt.AddMinutes(3);
        var resolved = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            alertmanager.PostJsonAsync("/api/ops/alerts/notify", Notification("resolved", fingerprint, startsAt, endsAt.ToString("O")))));
        Assert.All(resolved, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Equal(1L, await CountAsync("select count(*) from alerts where fingerprint = $1 and status = 'resolved' and resolved_at = $2", fingerprint, endsAt));

        // A late repeat of the firing notification does not undo the resolution.
        await alertmanager.PostJsonAsync("/api/ops/alerts/notify", Notification("firing", fingerprint, startsAt));
        Assert.Equal(1L, await CountAsync("select count(*) from alerts where fingerprint = $1 and status = 'resolved'", fingerprint));

        var events = "select count(*) from outbox_messages o join alerts a on a.id = (o.payload->>'alertId')::uuid where a.fingerprint = $1 and o.type = 'alert.changed' and o.payload->>'status' = $2";
        Assert.Equal(1L, await CountAsync(events, fingerprint, "firing"));
        Assert.Equal(1L, await CountAsync(events, fingerprint, "resolved"));

        // The next episode of the same alert (it fires again later) is a row of its own.
        await alertmanager.PostJsonAsync("/api/ops/alerts/notify", Notification("firing", fingerprint, startsAt.AddHours(1)));
        Assert.Equal(2L, await CountAsync("select count(*) from alerts where fingerprint = $1", fingerprint));
    }

    [Fact]
    public async Task Operators_list_what_fires_and_what_resolved_and_the_first_acknowledgement_stays_while_other_staff_are_refused()
    {
        var owner = await StaffSession.SignUpAsync(api);
        var operatorClient = await owner.OperatorAsync();
        var manager = await owner.AddStaffAsync(StaffRole.Manager);
        var fingerprint = "o" + Guid.NewGuid().ToString("N")[..15];
        using var alertmanager = api.Alertmanager();
        Assert.Equal(HttpStatusCode.NoContent, (await alertmanager.PostJsonAsync("/api/ops/alerts/notify",
            Notification("firing", fingerprint, api.Clock.GetUtcNow().AddYears(50), alertname: "ListedAlert"))).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/ops/alerts")).StatusCode);
        var invalid = await operatorClient.GetAsync("/api/ops/alerts?state=pending");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.NotNull((await invalid.BodyAsync())["errors"]!["state"]);

        // Newest first: the alert dated ahead of every other test's is the first firing one.
        var listed = (await (await operatorClient.GetAsync("/api/ops/alerts?state=firing&limit=1")).BodyAsync())["items"]![0]!;
        Assert.Equal("ListedAlert", (string)listed["name"]!);
        Assert.Equal("critical", (string)listed["severity"]!);
        Assert.Equal("/api/x", (string)listed["labels"]!["http_route"]!);
        Assert.Null((string?)listed["acknowledgedBy"]);
        var id = (string)listed["id"]!;

        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync($"/api/ops/alerts/{id}/acknowledge", null)).StatusCode);
        var acknowledged = await (await operatorClient.PostAsync($"/api/ops/alerts/{id}/acknowledge", null)).BodyAsync();
        Assert.Equal("Owner", (string?)acknowledged["acknowledgedBy"]);
        var at = (string?)acknowledged["acknowledgedAt"];
        Assert.NotNull(at);

        var second = await StaffSession.SignUpAsync(api);
        var again = await (await (await second.OperatorAsync()).PostAsync($"/api/ops/alerts/{id}/acknowledge", null)).BodyAsync();
        Assert.Equal("Owner", (string?)again["acknowledgedBy"]);
        Assert.Equal(at, (string?)again["acknowledgedAt"]);

        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.PostAsync($"/api/ops/alerts/{Guid.NewGuid()}/acknowledge", null)).StatusCode);
        var resolvedOnly = (await (await operatorClient.GetAsync("/api/ops/alerts?state=resolved&limit=100")).BodyAsync())["items"]!.AsArray();
        Assert.DoesNotContain(resolvedOnly, a => (string)a!["id"]! == id);
    }

    private async Task<long> CountAsync(string sql, params object[] values)
    {
        await using var dataSource = NpgsqlDataSource.Create(api.DatabaseConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }
}
