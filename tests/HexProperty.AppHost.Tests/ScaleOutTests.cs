using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HexProperty.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace HexProperty.AppHost.Tests;

/// <summary>
/// The replicas behind their balancers in the running system: a replica killed under load, tokens and cookies that
/// one replica issued honoured by the other. The balancer's rules one by one are tested in HexProperty.Hosting.Tests.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class ScaleOutTests(PlatformFixture platform, ITestOutputHelper output)
{
    private DistributedApplication App => platform.App;

    [Fact]
    public async Task Killing_an_Api_replica_and_a_Web_replica_under_load_fails_no_request_doubles_no_hold_and_both_serve_again()
    {
        var agency = await BookingScenario.AgencyAsync(App, city: $"Failover-{Guid.NewGuid():N}"[..20]);
        var quoted = await BookingScenario.AgencyAsync(App); // quotes on a unit of their own, clear of the holds
        var api = App.GetEndpoint("api");
        var web = App.GetEndpoint("web");
        var failures = new ConcurrentQueue<string>();
        var holds = new ConcurrentDictionary<string, string>(); // Idempotency-Key -> booking reference
        var counts = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();

        // A bounded load of six callers: two guests asking quotes (each a different stay, so the edge cache cannot
        // answer for the replicas) every 20 ms, two guests holding a night with an Idempotency-Key every 250 ms (each
        // on its own run of nights), and two visitors of the site keeping their sticky cookie, every 20 ms.
        var callers = Enumerable.Range(0, 6).Select(caller => Task.Run(async () =>
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer() });
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var (kind, request, pause) = (caller % 3) switch
                {
                    0 => ("quote", new HttpRequestMessage(HttpMethod.Get, new Uri(api,
                        $"/api/units/{quoted.UnitId}/quote?checkIn={Night(0, i % 600):yyyy-MM-dd}&checkOut={Night(0, i % 600).AddDays(2):yyyy-MM-dd}&guests=2")), 20),
                    1 => ("hold", HoldRequest(api, agency, Night(caller == 1 ? 0 : 350, i)), 250),
                    _ => ("page", new HttpRequestMessage(HttpMethod.Get, new Uri(web, i % 2 == 0 ? "/" : $"/search?city={agency.City}")), 20),
                };
                using (request)
                {
                    try
                    {
                        using var response = await client.SendAsync(request, CancellationToken.None);
                        counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
                        if (!response.IsSuccessStatusCode)
                        {
                            failures.Enqueue($"{kind} {request.RequestUri!.PathAndQuery}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        }
                        else if (kind == "hold")
                        {
                            var reference = (string)(await response.Content.ReadFromJsonAsync<JsonNode>())!["reference"]!;
                            Assert.True(holds.TryAdd(request.Headers.GetValues("Idempotency-Key").Single(), reference));
                        }
                    }
                    catch (HttpRequestException e)
                    {
                        failures.Enqueue($"{kind} {request.RequestUri!.PathAndQuery}: {e.Message}");
                    }
                }

                await Task.Delay(pause, CancellationToken.None);
            }
        })).ToList();

        await Eventually.TrueAsync(() => counts.GetValueOrDefault("hold") >= 5 && counts.GetValueOrDefault("page") >= 10, "the load did not start");
        var killed = new Dictionary<string, (int Pid, Stopwatch Clock)>();
        foreach (var replica in new[] { "api-1", "web-1" })
        {
            // Under Aspire.Hosting.Testing a project runs under its dotnet run wrapper: the replica is the program itself.
            var pid = PlatformFixture.Pid(platform.Instances(replica).Single());
            var program = ProcessTree.Descendants(pid).FirstOrDefault(m => m.Command.Contains("/bin/", StringComparison.Ordinal))?.Pid ?? pid;
            Process.GetProcessById(program).Kill();
            killed[replica] = (pid, Stopwatch.StartNew());
        }

        var running = new Dictionary<string, TimeSpan>();
        var back = new Dictionary<string, TimeSpan>();
        await Eventually.TrueAsync(async () =>
        {
            foreach (var (replica, (pid, clock)) in killed.Where(k => !back.ContainsKey(k.Key)))
            {
                // A restarted resource may come back as a new instance beside the exited one.
                if (!running.ContainsKey(replica) && platform.Instances(replica).Any(i => i.Snapshot.State?.Text == KnownResourceStates.Running
                    && i.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy && PlatformFixture.Pid(i) != pid))
                {
                    running[replica] = clock.Elapsed;
                }

                if (running.ContainsKey(replica) && (await BalancerStatesAsync(replica.Split('-')[0])).GetValueOrDefault(replica) == "UP")
                {
                    back[replica] = clock.Elapsed;
                }
            }

            return back.Count == killed.Count;
        }, () => $"not back in the balancer: {string.Join(", ", killed.Keys.Except(back.Keys).Select(r =>
            $"{r} ({string.Join("; ", platform.Instances(r).Select(i => $"{i.ResourceId} {i.Snapshot.State?.Text} exit {i.Snapshot.ExitCode}"))})"))}", TimeSpan.FromSeconds(90));
        var served = counts.ToDictionary();
        await Eventually.TrueAsync(() => counts.GetValueOrDefault("hold") >= served.GetValueOrDefault("hold") + 5, "the load stopped after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        output.WriteLine($"requests: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}; failed: {failures.Count}");
        output.WriteLine($"healthy again after: {string.Join(", ", running.Select(b => $"{b.Key} {b.Value.TotalSeconds:0.0} s"))}; " +
            $"serving again through the balancer after: {string.Join(", ", back.Select(b => $"{b.Key} {b.Value.TotalSeconds:0.0} s"))}");
        Assert.True(failures.IsEmpty, $"{failures.Count} failed: {string.Join("; ", failures.Take(10))}");

        // Every hold answered once, and the database has exactly those: no replayed write took effect twice.
        await using var connection = new NpgsqlConnection(await App.GetConnectionStringAsync("hexdb"));
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from bookings where unit_id = $1", connection) { Parameters = { new() { Value = agency.UnitId } } };
        Assert.Equal(holds.Count, Convert.ToInt32(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(holds.Count, holds.Values.Distinct().Count());
    }

    [Fact]
    public async Task A_bearer_and_a_refresh_token_from_one_Api_replica_are_honoured_by_the_other()
    {
        var agency = await BookingScenario.AgencyAsync(App);
        using var first = new HttpClient { BaseAddress = App.GetEndpoint("api-1") };
        using var second = new HttpClient { BaseAddress = App.GetEndpoint("api-2") };

        var signIn = await (await first.PostAsJsonAsync("/api/auth/sign-in", new { email = agency.OwnerEmail, password = BookingScenario.Password })).Content.ReadFromJsonAsync<JsonNode>();
        using (var me = new HttpRequestMessage(HttpMethod.Get, "/api/staff/me") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", (string)signIn!["accessToken"]!) } })
        {
            Assert.Equal(HttpStatusCode.OK, (await second.SendAsync(me)).StatusCode);
        }

        using var refreshed = await second.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = (string)signIn["refreshToken"]! });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var token = (string)(await refreshed.Content.ReadFromJsonAsync<JsonNode>())!["accessToken"]!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/staff/me") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        Assert.Equal(HttpStatusCode.OK, (await first.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task The_site_s_antiforgery_token_and_sign_in_cookie_from_one_Web_replica_are_honoured_by_the_other()
    {
        var agency = await BookingScenario.AgencyAsync(App);
        var cookies = new CookieContainer(); // both replicas are on 127.0.0.1: a browser would send them the same cookies
        using var first = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = App.GetEndpoint("web-1") };
        using var second = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = App.GetEndpoint("web-2") };

        var form = await first.GetStringAsync("/staff/sign-in");
        var antiforgery = AntiforgeryField().Match(form).Groups[1].Value;
        Assert.NotEmpty(antiforgery);
        using var signIn = await second.PostAsync("/staff/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery),
            ["Input.Email"] = agency.OwnerEmail,
            ["Input.Password"] = BookingScenario.Password,
            ["Input.ReturnUrl"] = "/staff",
        }));
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"{(int)signIn.StatusCode}: {await signIn.Content.ReadAsStringAsync()}");

        using var dashboard = await first.GetAsync("/staff");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);

        // What protected them: the replicas' one shared key, made for AES-256-GCM (the cheaper cipher every page pays for).
        var keys = PlatformFixture.Environment(platform.Instances("web-1").Single())["DataProtection__KeysPath"]!;
        Assert.Equal(keys, PlatformFixture.Environment(platform.Instances("web-2").Single())["DataProtection__KeysPath"]);
        var key = Assert.Single(Directory.GetFiles(keys, "key-*.xml"));
        Assert.Equal("AES_256_GCM", System.Xml.Linq.XDocument.Load(key).Descendants("encryption").Single().Attribute("algorithm")?.Value);
    }

    [Fact]
    public async Task The_balancers_show_their_replicas_on_the_stats_page_and_to_Prometheus_and_the_dashboard_shows_the_balancer_as_the_way_in()
    {
        foreach (var (service, replicas) in new[] { ("api", PlatformFixture.ApiReplicas), ("web", PlatformFixture.WebReplicas) })
        {
            var states = await BalancerStatesAsync(service);
            Assert.All(PlatformFixture.ReplicaNames(service, replicas), r => Assert.Equal("UP", states.GetValueOrDefault(r)));
            using var client = new HttpClient { BaseAddress = App.GetEndpoint(service, "stats") };
            var metrics = await client.GetStringAsync("/metrics");
            Assert.Contains($"haproxy_server_status{{proxy=\"{service}\",server=\"{service}-1\",state=\"UP\"}} 1", metrics, StringComparison.Ordinal);

            var balancer = platform.Instances(service).Single();
            Assert.Equal(App.GetEndpoint(service).ToString().TrimEnd('/'), balancer.Snapshot.Urls.First(u => u.Name == "http").Url.TrimEnd('/'));
            Assert.Contains(balancer.Snapshot.Urls, u => u.Name == "stats" && u.DisplayProperties.DisplayName == "HAProxy stats");
        }
    }

    [Fact]
    public async Task Search_reads_from_the_standby_sees_a_new_property_after_the_lag_and_falls_back_to_the_primary_while_the_standby_is_down()
    {
        var agency = await BookingScenario.AgencyAsync(App, city: $"Standby-{Guid.NewGuid():N}"[..20]);
        await BookingScenario.MakeOperatorAsync(App, agency.OwnerEmail);

        using var staff = BookingScenario.StaffClient(App, agency);
        using var guest = new HttpClient { BaseAddress = App.GetEndpoint("api") };
        var search = $"/api/properties?city={agency.City}";

        // The property written on the primary reaches the standby, which answers the search. (While the standby is behind,
        // the search falls back to the primary, which has the property already: wait until both hold.)
        JsonNode replication = null!;
        await Eventually.TrueAsync(async () =>
        {
            replication = await ReplicationAsync(staff);
            return (string?)replication["readsFrom"] == "standby"
                && (await guest.GetStringAsync(search)).Contains(agency.PropertyId.ToString(), StringComparison.Ordinal);
        }, () => $"the standby never answered the search with the new property (reads from: {replication?["readsFrom"]})");
        var standby = Assert.Single(replication["standbys"]!["rows"]!.AsArray());
        Assert.Equal("streaming", (string?)standby!["state"]);
        Assert.Equal(20, (int)replication["pool"]!["maxConnections"]!);

        var standbyId = platform.Instances("postgres-standby").Single().ResourceId;
        Assert.True((await App.ResourceCommands.ExecuteCommandAsync(standbyId, KnownResourceCommands.StopCommand)).Success);
        try
        {
            // Every read answered while the standby goes away and stays away: Npgsql moves to the primary.
            for (var i = 0; i < 40; i++)
            {
                using var response = await guest.GetAsync($"{search}&limit={i + 1}"); // a limit of its own: not in any cache
                Assert.True(response.IsSuccessStatusCode, $"search {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await Eventually.TrueAsync(async () => ((string?)(await ReplicationAsync(staff))["readsFrom"])!.StartsWith("primary", StringComparison.Ordinal),
                "reads did not move to the primary");
        }
        finally
        {
            await App.ResourceCommands.ExecuteCommandAsync(standbyId, KnownResourceCommands.StartCommand);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await App.ResourceNotifications.WaitForResourceHealthyAsync("postgres-standby", timeout.Token);
        }

        // Back on the standby once Npgsql looks again (Host Recheck Seconds, 10 s by default).
        await Eventually.TrueAsync(async () => (string?)(await ReplicationAsync(staff))["readsFrom"] == "standby", "reads did not return to the standby", TimeSpan.FromSeconds(60));
    }

    /// <summary>The operations overview's replication part, from the Api replica that answers.</summary>
    private static async Task<JsonNode> ReplicationAsync(HttpClient staff) =>
        (await staff.GetFromJsonAsync<JsonNode>("/api/ops/overview"))!["replication"]!;

    /// <summary>The <paramref name="i"/>-th night of a run starting <paramref name="offset"/> nights after a month from now.</summary>
    private static DateOnly Night(int offset, int i) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30 + offset + i);

    private static HttpRequestMessage HoldRequest(Uri api, BookingScenario.Agency agency, DateOnly checkIn)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(api, "/api/bookings"))
        {
            Content = JsonContent.Create(new { unitId = agency.UnitId, checkIn, checkOut = checkIn.AddDays(1), guests = 2, guest = new { fullName = "Failover Guest", email = $"guest-{Guid.NewGuid():N}@example.test" } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }

    /// <summary>Each replica's state in its balancer.</summary>
    private Task<Dictionary<string, string>> BalancerStatesAsync(string service) => HaproxyStats.ServerStatesAsync(App.GetEndpoint(service, "stats"), service);

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
