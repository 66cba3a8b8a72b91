using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using HexProperty.Data.Caching;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HexProperty.Api.Tests;

/// <summary>
/// The cached reads against two Api instances on one PostgreSQL and one Redis: every write that changes what a read
/// returns is seen by both instances once it has returned.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CachingTests(ApiFixture api, ITestOutputHelper output)
{
    [Fact]
    public async Task An_update_through_one_instance_is_served_by_the_other_within_the_backplane_delay()
    {
        var replica = (await api.ReplicaAsync()).CreateClient();
        var staff = await StaffSession.SignUpAsync(api);
        var (propertyId, _) = await staff.CreateBookableUnitAsync();
        var staleReads = 0;
        var slowest = TimeSpan.Zero;

        for (var version = 1; version <= 10; version++)
        {
            await ReadNameAsync(api.Client(), propertyId); // both instances hold the current page in memory
            await ReadNameAsync(replica, propertyId);
            var name = $"Casa Azul v{version}";

            Assert.Equal(HttpStatusCode.OK, (await staff.Client.PutJsonAsync($"/api/staff/properties/{propertyId}", PropertyBody(name, "Lisbon"))).StatusCode);

            Assert.Equal(name, await ReadNameAsync(api.Client(), propertyId)); // the writing instance: at once
            var waited = Stopwatch.StartNew();
            while (await ReadNameAsync(replica, propertyId) != name)
            {
                staleReads++;
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(1), "the replica kept serving the old page");
            }

            slowest = waited.Elapsed > slowest ? waited.Elapsed : slowest;
        }

        // Measured here: how long the replica could still serve the old page (the backplane's delivery).
        output.WriteLine($"backplane: {staleReads} stale reads over 10 updates, longest window {slowest.TotalMilliseconds:0.0} ms");
    }

    [Fact]
    public async Task The_platform_reports_each_profiles_hits_and_misses()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (propertyId, _) = await staff.CreateBookableUnitAsync();
        var client = api.Client();
        var before = await DetailsStatisticsAsync(client);

        for (var i = 0; i < 3; i++)
        {
            await client.GetAsync($"/api/properties/{propertyId}");
        }

        var after = await DetailsStatisticsAsync(client);
        Assert.Equal(2, (long)after["localHits"]! - (long)before["localHits"]!);
        Assert.Equal(1, (long)after["localMisses"]! - (long)before["localMisses"]!);
        Assert.Equal(1, (long)after["factoryCalls"]! - (long)before["factoryCalls"]!);
    }

    [Fact]
    public async Task A_hold_refreshes_the_dated_searches_of_its_weeks_and_leaves_other_weeks_cached()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var city = "Weektown " + Guid.NewGuid().ToString("N")[..8];
        var unitId = await staff.CreateUnitAsync(await staff.CreatePropertyAsync(city: city));
        var client = api.Client();
        var held = api.Clock.Today.AddDays(100);
        var later = held.AddDays(28);
        string Search(DateOnly checkIn) => $"/api/properties?city={Uri.EscapeDataString(city)}&checkIn={checkIn:yyyy-MM-dd}&checkOut={checkIn.AddDays(2):yyyy-MM-dd}";
        await client.GetAsync(Search(held));
        await client.GetAsync(Search(later));
        var nightsBefore = await StatisticsAsync(client, "search-nights");
        var placesBefore = await StatisticsAsync(client, "search-places");
        var weeks = CacheTags.Nights(CacheTags.City(city), held, held.AddDays(2)).Count();

        await Guest.HoldAsync(client, unitId, held, held.AddDays(2));
        var sameWeek = await (await client.GetAsync(Search(held))).BodyAsync();
        var otherWeek = await (await client.GetAsync(Search(later))).BodyAsync();

        Assert.Empty(sameWeek["items"]!.AsArray());
        Assert.Single(otherWeek["items"]!.AsArray());
        // Only the taken nights of the hold's weeks were read again; the place's catalogue and other weeks stayed cached.
        Assert.Equal(weeks, Delta(await StatisticsAsync(client, "search-nights"), nightsBefore, "factoryCalls"));
        Assert.Equal(0, Delta(await StatisticsAsync(client, "search-places"), placesBefore, "factoryCalls"));
    }

    [Fact]
    public async Task Searches_with_other_dates_and_filters_in_a_warm_place_read_no_database()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var city = "Warmtown " + Guid.NewGuid().ToString("N")[..8];
        await staff.CreateUnitAsync(await staff.CreatePropertyAsync(city: city));
        var client = api.Client();
        var from = api.Clock.Today.AddDays(30);
        string Search(int offset, int nights, string extra = "") =>
            $"/api/properties?city={Uri.EscapeDataString(city)}&checkIn={from.AddDays(offset):yyyy-MM-dd}&checkOut={from.AddDays(offset + nights):yyyy-MM-dd}{extra}";
        await client.GetAsync(Search(0, 14)); // the place's catalogue and the weeks of these two weeks
        var nightsBefore = await StatisticsAsync(client, "search-nights");
        var placesBefore = await StatisticsAsync(client, "search-places");

        foreach (var url in new[] { Search(1, 2), Search(3, 5, "&guests=2"), Search(2, 4, "&sort=name"), Search(4, 3, "&maxPrice=500&amenities=wifi") })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
        }

        Assert.Equal(0, Delta(await StatisticsAsync(client, "search-nights"), nightsBefore, "factoryCalls"));
        Assert.Equal(0, Delta(await StatisticsAsync(client, "search-places"), placesBefore, "factoryCalls"));
        Assert.True(Delta(await StatisticsAsync(client, "search-nights"), nightsBefore, "localHits") >= 4);
    }

    private static long Delta(System.Text.Json.Nodes.JsonNode after, System.Text.Json.Nodes.JsonNode before, string counter) =>
        (long)after[counter]! - (long)before[counter]!;

    private static Task<System.Text.Json.Nodes.JsonNode> DetailsStatisticsAsync(HttpClient client) => StatisticsAsync(client, "property-details");

    private static async Task<System.Text.Json.Nodes.JsonNode> StatisticsAsync(HttpClient client, string profile)
    {
        var statistics = await (await client.GetAsync("/api/platform/cache")).BodyAsync();
        Assert.True((bool)statistics["redisConnected"]!);
        return statistics["profiles"]!.AsArray().Single(p => (string?)p!["profile"] == profile)!;
    }

    [Fact]
    public async Task Property_details_carry_an_ETag_and_answer_304_until_the_property_changes()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (propertyId, _) = await staff.CreateBookableUnitAsync();
        var client = api.Client();

        var first = await client.GetAsync($"/api/properties/{propertyId}");
        var etag = first.Headers.ETag!;
        var again = await GetIfNoneMatchAsync(client, $"/api/properties/{propertyId}", etag);
        await staff.Client.PutJsonAsync($"/api/staff/properties/{propertyId}", PropertyBody("Renamed", "Lisbon"));
        var changed = await GetIfNoneMatchAsync(client, $"/api/properties/{propertyId}", etag);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(etag.IsWeak);
        Assert.Contains("public", first.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(60), first.Headers.CacheControl.MaxAge);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, again.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Equal("Renamed", (string?)(await changed.BodyAsync())["name"]);
    }

    [Fact]
    public async Task The_calendar_carries_an_ETag_and_a_new_hold_changes_it()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (propertyId, unitId) = await staff.CreateBookableUnitAsync();
        var client = api.Client();
        var checkIn = api.Clock.Today.AddDays(40);
        var url = $"/api/properties/{propertyId}/availability?from={checkIn:yyyy-MM-dd}&months=1";

        var first = await client.GetAsync(url);
        var unchanged = await GetIfNoneMatchAsync(client, url, first.Headers.ETag!);
        await Guest.HoldAsync(client, unitId, checkIn, checkIn.AddDays(2));
        var held = await GetIfNoneMatchAsync(client, url, first.Headers.ETag!);

        Assert.Equal(TimeSpan.FromSeconds(15), first.Headers.CacheControl!.MaxAge);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        Assert.Single((await held.BodyAsync())["units"]![0]!["unavailable"]!.AsArray());
    }

    [Fact]
    public async Task Every_catalogue_write_reaches_the_cached_page_calendar_quote_and_search_of_both_instances()
    {
        var replica = (await api.ReplicaAsync()).CreateClient();
        var clients = new[] { api.Client(), replica };
        var staff = await StaffSession.SignUpAsync(api);
        var city = "Cachetown " + Guid.NewGuid().ToString("N")[..8];
        var propertyId = await staff.CreatePropertyAsync(city: city);
        var unitId = await staff.CreateUnitAsync(propertyId, rate: 100m);
        var checkIn = api.Clock.Today.AddDays(50);
        var quoteUrl = $"/api/units/{unitId}/quote?checkIn={checkIn:yyyy-MM-dd}&checkOut={checkIn.AddDays(2):yyyy-MM-dd}&guests=2";
        var searchUrl = $"/api/properties?city={Uri.EscapeDataString(city)}";
        foreach (var client in clients)
        {
            Assert.Equal(200m, (decimal)(await (await client.GetAsync(quoteUrl)).BodyAsync())["nightsSubtotal"]!);
            Assert.Single((await (await client.GetAsync(searchUrl)).BodyAsync())["items"]!.AsArray());
            Assert.Single((await (await client.GetAsync($"/api/properties/{propertyId}")).BodyAsync())["units"]!.AsArray());
        }

        // A second unit: the page lists it, the search prices from it.
        var cheaper = await staff.CreateUnitAsync(propertyId, rate: 80m);
        await EventuallyOnBothAsync(clients, async client =>
            (await (await client.GetAsync($"/api/properties/{propertyId}")).BodyAsync())["units"]!.AsArray().Count == 2
            && (decimal)(await (await client.GetAsync(searchUrl)).BodyAsync())["items"]![0]!["fromNightlyRate"]! == 80m);

        // A rate rule: the quote changes.
        await WarmAsync(clients, quoteUrl);
        await staff.AddRuleAsync(unitId, new { kind = RateRuleKind.Season, name = "Festival", startDate = checkIn, endDate = checkIn.AddDays(10), nightlyPrice = 150m, priority = 1 });
        await EventuallyOnBothAsync(clients, async client =>
            (decimal)(await (await client.GetAsync(quoteUrl)).BodyAsync())["nightsSubtotal"]! == 300m);

        // A block: the calendar shows it, and a dated search no longer finds the blocked unit's price.
        var calendarUrl = $"/api/properties/{propertyId}/availability?from={checkIn:yyyy-MM-dd}&months=1";
        var datedSearchUrl = $"{searchUrl}&checkIn={checkIn:yyyy-MM-dd}&checkOut={checkIn.AddDays(2):yyyy-MM-dd}";
        await WarmAsync(clients, calendarUrl, datedSearchUrl);
        var block = await staff.Client.PostJsonAsync($"/api/staff/units/{cheaper}/blocks", new { kind = BlockKind.Maintenance, start = checkIn, end = checkIn.AddDays(3), note = "paint" });
        Assert.Equal(HttpStatusCode.Created, block.StatusCode);
        await EventuallyOnBothAsync(clients, async client =>
        {
            var calendar = await (await client.GetAsync(calendarUrl)).BodyAsync();
            var dated = await (await client.GetAsync(datedSearchUrl)).BodyAsync();
            return calendar["units"]!.AsArray().Any(u => u!["unavailable"]!.AsArray().Count == 1)
                && (decimal)dated["items"]![0]!["fromNightlyRate"]! == 100m;
        });

        // The property moves: the old city's search loses it, the new one finds it.
        var elsewhere = city + " Norte";
        var elsewhereUrl = $"/api/properties?city={Uri.EscapeDataString(elsewhere)}";
        await WarmAsync(clients, searchUrl, elsewhereUrl);
        Assert.Equal(HttpStatusCode.OK, (await staff.Client.PutJsonAsync($"/api/staff/properties/{propertyId}", PropertyBody("Moved", elsewhere))).StatusCode);
        await EventuallyOnBothAsync(clients, async client =>
            (await (await client.GetAsync(searchUrl)).BodyAsync())["items"]!.AsArray().Count == 0
            && (await (await client.GetAsync(elsewhereUrl)).BodyAsync())["items"]!.AsArray().Count == 1);

        // Deactivated: gone from every read.
        await WarmAsync(clients, $"/api/properties/{propertyId}", $"/api/properties/{propertyId}/availability", quoteUrl);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.Client.DeleteAsync($"/api/staff/properties/{propertyId}")).StatusCode);
        await EventuallyOnBothAsync(clients, async client =>
            (await client.GetAsync($"/api/properties/{propertyId}")).StatusCode == HttpStatusCode.NotFound
            && (await client.GetAsync($"/api/properties/{propertyId}/availability")).StatusCode == HttpStatusCode.NotFound
            && (await client.GetAsync(quoteUrl)).StatusCode == HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_cached_calendar_frees_a_lapsed_hold_on_time_without_any_write()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var (propertyId, unitId) = await staff.CreateBookableUnitAsync();
        var client = api.Client();
        var checkIn = api.Clock.Today.AddDays(60);
        var url = $"/api/properties/{propertyId}/availability?from={checkIn:yyyy-MM-dd}&months=1";
        await Guest.HoldAsync(client, unitId, checkIn, checkIn.AddDays(2));
        Assert.Single((await (await client.GetAsync(url)).BodyAsync())["units"]![0]!["unavailable"]!.AsArray());

        api.Clock.Advance(TimeSpan.FromMinutes(16)); // the 15-minute hold lapses; the cached calendar said "booked"

        Assert.Empty((await (await client.GetAsync(url)).BodyAsync())["units"]![0]!["unavailable"]!.AsArray());
    }

    [Fact]
    public async Task A_cached_search_finds_the_unit_again_as_soon_as_the_hold_that_hid_it_lapses_and_after_the_sweeper()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var city = "Sweeptown " + Guid.NewGuid().ToString("N")[..8];
        var unitId = await staff.CreateUnitAsync(await staff.CreatePropertyAsync(city: city));
        var client = api.Client();
        var checkIn = api.Clock.Today.AddDays(65);
        var url = $"/api/properties?city={Uri.EscapeDataString(city)}&checkIn={checkIn:yyyy-MM-dd}&checkOut={checkIn.AddDays(2):yyyy-MM-dd}";
        await Guest.HoldAsync(client, unitId, checkIn, checkIn.AddDays(2));
        Assert.Empty((await (await client.GetAsync(url)).BodyAsync())["items"]!.AsArray());
        api.Clock.Advance(TimeSpan.FromMinutes(16));

        Assert.Single((await (await client.GetAsync(url)).BodyAsync())["items"]!.AsArray()); // lapsed: ignored before any sweep
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(api.DatabaseConnectionString);
        await HoldExpiry.ExpireLapsedAsync(dataSource, api.Api.Services.GetRequiredService<HybridCache>(), api.Clock.GetUtcNow(), CancellationToken.None);

        Assert.Single((await (await client.GetAsync(url)).BodyAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Redis_killed_under_load_fails_no_request_and_both_instances_reconnect_and_see_each_others_writes()
    {
        var replicaFactory = await api.ReplicaAsync();
        var clients = new[] { api.Client(), replicaFactory.CreateClient() };
        var staff = await StaffSession.SignUpAsync(api);
        var (propertyId, unitId) = await staff.CreateBookableUnitAsync();
        var checkIn = api.Clock.Today.AddDays(90);
        var failures = new List<string>();
        var requests = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var client = clients[worker % 2];
            string[] urls =
            [
                $"/api/properties/{propertyId}",
                $"/api/properties/{propertyId}/availability?from={checkIn:yyyy-MM-dd}&months=2",
                $"/api/units/{unitId}/quote?checkIn={checkIn:yyyy-MM-dd}&checkOut={checkIn.AddDays(3):yyyy-MM-dd}&guests=2",
                "/api/properties?city=Lisbon&limit=5",
            ];
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var response = await client.GetAsync(urls[i % urls.Length]);
                Interlocked.Increment(ref requests);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    lock (failures)
                    {
                        failures.Add($"{urls[i % urls.Length]}: {(int)response.StatusCode}");
                    }
                }
            }
        })).ToList();
        await Task.Delay(300);

        await api.KillRedisAsync(whileDown: async () =>
        {
            // Writes go on while Redis is down.
            Assert.Equal(HttpStatusCode.OK, (await staff.Client.PutJsonAsync($"/api/staff/properties/{propertyId}", PropertyBody("During the outage", "Lisbon"))).StatusCode);
            await Task.Delay(500);
        });
        await ApiFixture.WaitForCacheAsync(api.Api, TimeSpan.FromSeconds(30));
        await ApiFixture.WaitForCacheAsync(replicaFactory, TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(failures);
        Assert.True(requests > 50, $"only {requests} requests ran");
        Assert.Equal(HttpStatusCode.OK, (await staff.Client.PutJsonAsync($"/api/staff/properties/{propertyId}", PropertyBody("After the outage", "Lisbon"))).StatusCode);
        await EventuallyOnBothAsync(clients, async client => await ReadNameAsync(client, propertyId) == "After the outage");
    }

    /// <summary>Reads each URL through each instance, so every instance holds them cached before the write.</summary>
    private static async Task WarmAsync(HttpClient[] clients, params string[] urls)
    {
        foreach (var client in clients)
        {
            foreach (var url in urls)
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
            }
        }
    }

    private static object PropertyBody(string name, string city) => new
    {
        name,
        description = "A test property",
        type = PropertyType.Apartment,
        addressLine = "Rua Direita 1",
        city,
        country = "PT",
        latitude = 38.71m,
        longitude = -9.14m,
        amenities = new[] { "wifi" },
        cancellationPolicy = CancellationPolicy.Moderate,
        currency = "EUR",
        timeZone = "Europe/Lisbon",
    };

    private static async Task<string?> ReadNameAsync(HttpClient client, Guid propertyId) =>
        (string?)(await (await client.GetAsync($"/api/properties/{propertyId}")).BodyAsync())["name"];

    private static async Task<HttpResponseMessage> GetIfNoneMatchAsync(HttpClient client, string url, EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(etag);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// Both instances show the change within the backplane's delivery (a second is generous: it measures in
    /// milliseconds); the instance that wrote shows it at once.
    /// </summary>
    private static async Task EventuallyOnBothAsync(HttpClient[] clients, Func<HttpClient, Task<bool>> changed)
    {
        Assert.True(await changed(clients[0]), "the instance that took the write served the old value");
        var waited = Stopwatch.StartNew();
        while (!await changed(clients[1]))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(1), "the other instance kept serving the old value");
        }
    }
}
