using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HexProperty.Data.Model;

namespace HexProperty.Api.Tests;

/// <summary>
/// Every endpoint, fed bad input: each answers a 4xx ProblemDetails naming the field at fault, never a 500, and
/// stores nothing. Then every writing endpoint is fed junk bodies of every JSON shape.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BadInputTests(ApiFixture api)
{
    private sealed record Case(string Name, HttpMethod Method, string Url, int Status, string? Field = null, object? Body = null, string? RawBody = null,
        string ContentType = "application/json", bool Staff = false, bool Key = true, string? IdempotencyKey = null);

    [Fact]
    public async Task Every_bad_input_gets_a_4xx_naming_the_field_and_never_a_500()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var property = await staff.CreatePropertyAsync();
        var unit = await staff.CreateUnitAsync(property, capacity: 4, minNights: 2, maxNights: 14);
        var today = api.Clock.Today;
        var inMonth = today.AddDays(30);
        var booking = await Guest.BookAsync(api.Client(), unit, today.AddDays(120), today.AddDays(123));
        var reference = (string)booking["reference"]!;
        var email = (string)booking["guest"]!["email"]!;
        var bookingId = (Guid)(await (await staff.Client.GetAsync("/api/staff/bookings")).BodyAsync())["items"]![0]!["id"]!;
        var held = await Guest.HoldAsync(api.Client(), unit, today.AddDays(130), today.AddDays(133));
        var heldEmail = (string)held["guest"]!["email"]!;
        string D(DateOnly d) => d.ToString("yyyy-MM-dd");
        // A well-formed cursor (base64url of "key\nid") whose key belongs to another sort or does not parse.
        string Cursor(string key, Guid id) => System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes($"{key}\n{id}"));
        object Hold(object? unitId = null, object? checkIn = null, object? checkOut = null, object? guests = null, object? guest = null, object? expectedTotal = null) => new
        {
            unitId = unitId ?? unit,
            checkIn = checkIn ?? D(inMonth),
            checkOut = checkOut ?? D(inMonth.AddDays(3)),
            guests = guests ?? 2,
            guest = guest ?? new { fullName = "Guest", email = "guest@example.test" },
            expectedTotal,
        };
        object Card(object? amount = null, string currency = "EUR", string number = "4242424242424242", int month = 12, int year = 2031, string cvc = "123") => new
        {
            email = heldEmail,
            amount = amount ?? (decimal)held["total"]!,
            currency,
            card = new { number, expiryMonth = month, expiryYear = year, cvc, holderName = "G" },
        };
        object PropertyBody(string country = "PT", decimal latitude = 1m, string[]? amenities = null, string currency = "EUR", string? timeZone = "UTC", string name = "P", string? description = null, string type = "House") => new
        {
            name,
            description,
            type,
            addressLine = "a",
            city = "c",
            country,
            latitude,
            longitude = 1m,
            amenities,
            cancellationPolicy = "Moderate",
            currency,
            timeZone,
        };
        object UnitBody(int capacity = 2, decimal rate = 50m, int minNights = 1, int maxNights = 10) => new
        {
            name = "U",
            capacity,
            bedrooms = 1,
            baseNightlyRate = rate,
            cleaningFee = 0m,
            minNights,
            maxNights,
        };
        var longText = new string('x', 5000);
        var booked = D(today.AddDays(121));

        Case[] cases =
        [
            // search
            new("search without a place", HttpMethod.Get, "/api/properties", 400, "city"),
            new("search unknown country", HttpMethod.Get, "/api/properties?country=XX", 400, "country"),
            new("search oversize city", HttpMethod.Get, $"/api/properties?city={new string('a', 101)}", 400, "city"),
            new("search checkIn alone", HttpMethod.Get, $"/api/properties?city=Lisbon&checkIn={D(inMonth)}", 400, "checkOut"),
            new("search reversed dates", HttpMethod.Get, $"/api/properties?city=Lisbon&checkIn={D(inMonth)}&checkOut={D(inMonth.AddDays(-2))}", 400, "checkOut"),
            new("search past dates", HttpMethod.Get, $"/api/properties?city=Lisbon&checkIn={D(today.AddDays(-10))}&checkOut={D(today.AddDays(-8))}", 400, "checkIn"),
            new("search a 400-night stay", HttpMethod.Get, $"/api/properties?city=Lisbon&checkIn={D(inMonth)}&checkOut={D(inMonth.AddDays(400))}", 400, "checkOut"),
            new("search unparsable date", HttpMethod.Get, "/api/properties?city=Lisbon&checkIn=tomorrow&checkOut=2030-01-01", 400, "checkIn"),
            new("search zero guests", HttpMethod.Get, "/api/properties?city=Lisbon&guests=0", 400, "guests"),
            new("search a crowd", HttpMethod.Get, "/api/properties?city=Lisbon&guests=1000", 400, "guests"),
            new("search negative price", HttpMethod.Get, "/api/properties?city=Lisbon&minPrice=-5", 400, "minPrice"),
            new("search price range reversed", HttpMethod.Get, "/api/properties?city=Lisbon&minPrice=100&maxPrice=50", 400, "maxPrice"),
            new("search absurd price", HttpMethod.Get, "/api/properties?city=Lisbon&maxPrice=999999999999", 400, "maxPrice"),
            new("search price not a number", HttpMethod.Get, "/api/properties?city=Lisbon&maxPrice=cheap", 400, "maxPrice"),
            new("search bad amenity", HttpMethod.Get, "/api/properties?city=Lisbon&amenities=WIFI", 400, "amenities"),
            new("search too many amenities", HttpMethod.Get, $"/api/properties?city=Lisbon&amenities={string.Join(',', Enumerable.Range(0, 21).Select(i => $"a{i}"))}", 400, "amenities"),
            new("search unknown sort", HttpMethod.Get, "/api/properties?city=Lisbon&sort=rating", 400, "sort"),
            new("search zero limit", HttpMethod.Get, "/api/properties?city=Lisbon&limit=0", 400, "limit"),
            new("search huge limit", HttpMethod.Get, "/api/properties?city=Lisbon&limit=100000", 400, "limit"),
            new("search forged cursor", HttpMethod.Get, "/api/properties?city=Lisbon&after=not-a-cursor", 400, "after"),
            // property, calendar, quote
            new("unknown property", HttpMethod.Get, $"/api/properties/{Guid.NewGuid()}", 404),
            new("property id not a guid", HttpMethod.Get, "/api/properties/12345", 404),
            new("calendar zero months", HttpMethod.Get, $"/api/properties/{property}/availability?months=0", 400, "months"),
            new("calendar thirteen months", HttpMethod.Get, $"/api/properties/{property}/availability?months=13", 400, "months"),
            new("calendar unparsable start", HttpMethod.Get, $"/api/properties/{property}/availability?from=soon", 400, "from"),
            new("calendar far future", HttpMethod.Get, $"/api/properties/{property}/availability?from=2099-01-01", 400, "from"),
            new("calendar unknown property", HttpMethod.Get, $"/api/properties/{Guid.NewGuid()}/availability", 404),
            new("quote reversed dates", HttpMethod.Get, $"/api/units/{unit}/quote?checkIn={D(inMonth)}&checkOut={D(inMonth.AddDays(-3))}&guests=2", 400, "checkOut"),
            new("quote past dates", HttpMethod.Get, $"/api/units/{unit}/quote?checkIn={D(today.AddDays(-5))}&checkOut={D(today.AddDays(-2))}&guests=2", 400, "checkIn"),
            new("quote zero guests", HttpMethod.Get, $"/api/units/{unit}/quote?checkIn={D(inMonth)}&checkOut={D(inMonth.AddDays(3))}&guests=0", 400, "guests"),
            new("quote more guests than beds", HttpMethod.Get, $"/api/units/{unit}/quote?checkIn={D(inMonth)}&checkOut={D(inMonth.AddDays(3))}&guests=5", 400, "guests"),
            new("quote shorter than allowed", HttpMethod.Get, $"/api/units/{unit}/quote?checkIn={D(inMonth)}&checkOut={D(inMonth.AddDays(1))}&guests=2", 400, "checkOut"),
            new("quote longer than allowed", HttpMethod.Get, $"/api/units/{unit}/quote?checkIn={D(inMonth)}&checkOut={D(inMonth.AddDays(20))}&guests=2", 400, "checkOut"),
            new("quote missing guests", HttpMethod.Get, $"/api/units/{unit}/quote?checkIn={D(inMonth)}&checkOut={D(inMonth.AddDays(3))}", 400, "guests"),
            new("quote guests not a number", HttpMethod.Get, $"/api/units/{unit}/quote?checkIn={D(inMonth)}&checkOut={D(inMonth.AddDays(3))}&guests=two", 400, "guests"),
            new("quote far ahead", HttpMethod.Get, $"/api/units/{unit}/quote?checkIn={D(today.AddYears(3))}&checkOut={D(today.AddYears(3).AddDays(3))}&guests=2", 400, "checkIn"),
            new("quote unknown unit", HttpMethod.Get, $"/api/units/{Guid.NewGuid()}/quote?checkIn={D(inMonth)}&checkOut={D(inMonth.AddDays(3))}&guests=2", 404),
            // holds
            new("hold malformed JSON", HttpMethod.Post, "/api/bookings", 400, "body", RawBody: "{\"unitId\": "),
            new("hold empty body", HttpMethod.Post, "/api/bookings", 400, "body", RawBody: ""),
            new("hold array body", HttpMethod.Post, "/api/bookings", 400, "body", RawBody: "[]"),
            new("hold as text", HttpMethod.Post, "/api/bookings", 415, "body", RawBody: "hold please", ContentType: "text/plain"),
            new("hold reversed dates", HttpMethod.Post, "/api/bookings", 400, "checkOut", Hold(checkIn: D(inMonth), checkOut: D(inMonth.AddDays(-1)))),
            new("hold in the past", HttpMethod.Post, "/api/bookings", 400, "checkIn", Hold(checkIn: D(today.AddDays(-3)), checkOut: D(today))),
            new("hold far ahead", HttpMethod.Post, "/api/bookings", 400, "checkIn", Hold(checkIn: D(today.AddYears(3)), checkOut: D(today.AddYears(3).AddDays(3)))),
            new("hold impossible date", HttpMethod.Post, "/api/bookings", 400, "checkIn", Hold(checkIn: "2027-02-30")),
            new("hold zero guests", HttpMethod.Post, "/api/bookings", 400, "guests", Hold(guests: 0)),
            new("hold a crowd", HttpMethod.Post, "/api/bookings", 400, "guests", Hold(guests: 500)),
            new("hold more guests than beds", HttpMethod.Post, "/api/bookings", 400, "guests", Hold(guests: 5)),
            new("hold too short", HttpMethod.Post, "/api/bookings", 400, "checkOut", Hold(checkOut: D(inMonth.AddDays(1)))),
            new("hold too long", HttpMethod.Post, "/api/bookings", 400, "checkOut", Hold(checkOut: D(inMonth.AddDays(15)))),
            new("hold unknown unit", HttpMethod.Post, "/api/bookings", 400, "unitId", Hold(unitId: Guid.NewGuid())),
            new("hold unit id not a guid", HttpMethod.Post, "/api/bookings", 400, "unitId", Hold(unitId: "unit-1")),
            new("hold bad email", HttpMethod.Post, "/api/bookings", 400, "guest.email", Hold(guest: new { fullName = "G", email = "not-an-email" })),
            new("hold oversize name", HttpMethod.Post, "/api/bookings", 400, "guest.fullName", Hold(guest: new { fullName = longText, email = "g@example.test" })),
            new("hold bad phone", HttpMethod.Post, "/api/bookings", 400, "guest.phone", Hold(guest: new { fullName = "G", email = "g@example.test", phone = "call me maybe" })),
            new("hold without guest", HttpMethod.Post, "/api/bookings", 400, "guest", new { unitId = unit, checkIn = D(inMonth), checkOut = D(inMonth.AddDays(3)), guests = 2 }),
            new("hold negative expected total", HttpMethod.Post, "/api/bookings", 400, "expectedTotal", Hold(expectedTotal: -10m)),
            new("hold absurd expected total", HttpMethod.Post, "/api/bookings", 400, "expectedTotal", Hold(expectedTotal: 1e12m)),
            new("hold number too big for JSON", HttpMethod.Post, "/api/bookings", 400, "guests", RawBody: $"{{\"unitId\":\"{unit}\",\"checkIn\":\"{D(inMonth)}\",\"checkOut\":\"{D(inMonth.AddDays(3))}\",\"guests\":99999999999999999999,\"guest\":{{\"fullName\":\"G\",\"email\":\"g@example.test\"}}}}"),
            new("hold overlapping a booking", HttpMethod.Post, "/api/bookings", 409, Body: Hold(checkIn: booked, checkOut: D(today.AddDays(124)))),
            new("hold without a key", HttpMethod.Post, "/api/bookings", 400, "Idempotency-Key", Hold(), Key: false),
            new("hold with an oversize key", HttpMethod.Post, "/api/bookings", 400, "Idempotency-Key", Hold(), IdempotencyKey: new string('k', 300)),
            // look-up, payment, cancellation
            new("look-up without email", HttpMethod.Get, $"/api/bookings/{reference}", 400, "email"),
            new("look-up wrong email", HttpMethod.Get, $"/api/bookings/{reference}?email=someone@example.test", 404),
            new("look-up malformed reference", HttpMethod.Get, $"/api/bookings/{new string('Z', 40)}?email={email}", 404),
            new("pay negative amount", HttpMethod.Post, $"/api/bookings/{held["reference"]}/payments", 400, "amount", Card(amount: -1m)),
            new("pay absurd amount", HttpMethod.Post, $"/api/bookings/{held["reference"]}/payments", 400, "amount", Card(amount: 1e9m)),
            new("pay not the quoted total", HttpMethod.Post, $"/api/bookings/{held["reference"]}/payments", 400, "amount", Card(amount: 1m)),
            new("pay unknown currency", HttpMethod.Post, $"/api/bookings/{held["reference"]}/payments", 400, "currency", Card(currency: "XYZ")),
            new("pay invalid card number", HttpMethod.Post, $"/api/bookings/{held["reference"]}/payments", 400, "card.number", Card(number: "4242424242424241")),
            new("pay expired card", HttpMethod.Post, $"/api/bookings/{held["reference"]}/payments", 400, "card.expiryYear", Card(year: 2020)),
            new("pay month thirteen", HttpMethod.Post, $"/api/bookings/{held["reference"]}/payments", 400, "card.expiryMonth", Card(month: 13)),
            new("pay cvc letters", HttpMethod.Post, $"/api/bookings/{held["reference"]}/payments", 400, "card.cvc", Card(cvc: "abc")),
            new("pay declined card", HttpMethod.Post, $"/api/bookings/{held["reference"]}/payments", 402, Body: Card(number: "4000000000000002")),
            new("pay unknown booking", HttpMethod.Post, "/api/bookings/AAAAAAAA/payments", 404, Body: Card()),
            new("cancel bad email", HttpMethod.Post, $"/api/bookings/{reference}/cancel", 400, "email", new { email = "nope" }),
            new("cancel unknown booking", HttpMethod.Post, "/api/bookings/AAAAAAAA/cancel", 404, Body: new { email }),
            // agencies and sign-in
            new("sign-up weak password", HttpMethod.Post, "/api/agencies", 400, "password", new { agencyName = "A", ownerName = "O", email = "x@agency.test", password = "short" }),
            new("sign-up bad email", HttpMethod.Post, "/api/agencies", 400, "email", new { agencyName = "A", ownerName = "O", email = "x", password = "correct horse 42" }),
            new("sign-up oversize name", HttpMethod.Post, "/api/agencies", 400, "agencyName", new { agencyName = longText, ownerName = "O", email = "y@agency.test", password = "correct horse 42" }),
            new("sign-up taken email", HttpMethod.Post, "/api/agencies", 409, Body: new { agencyName = "A", ownerName = "O", email = staff.Email, password = "correct horse 42" }),
            new("sign-in wrong password", HttpMethod.Post, "/api/auth/sign-in", 401, Body: new { email = "nobody@agency.test", password = "wrong password 1" }),
            new("sign-in without email", HttpMethod.Post, "/api/auth/sign-in", 400, "email", new { email = "", password = "x" }),
            new("refresh forged token", HttpMethod.Post, "/api/auth/refresh", 401, Body: new { refreshToken = "forged" }),
            new("refresh without token", HttpMethod.Post, "/api/auth/refresh", 400, "refreshToken", new { refreshToken = "" }),
            // staff catalogue
            new("property unknown country", HttpMethod.Post, "/api/staff/properties", 400, "country", PropertyBody(country: "ZZ"), Staff: true),
            new("property latitude off the globe", HttpMethod.Post, "/api/staff/properties", 400, "latitude", PropertyBody(latitude: 91m), Staff: true),
            new("property bad amenity", HttpMethod.Post, "/api/staff/properties", 400, "amenities[0]", PropertyBody(amenities: ["Sea View!"]), Staff: true),
            new("property unknown currency", HttpMethod.Post, "/api/staff/properties", 400, "currency", PropertyBody(currency: "BTC"), Staff: true),
            new("property unknown time zone", HttpMethod.Post, "/api/staff/properties", 400, "timeZone", PropertyBody(timeZone: "Mars/Olympus"), Staff: true),
            new("property unknown type", HttpMethod.Post, "/api/staff/properties", 400, "type", PropertyBody(type: "Castle"), Staff: true),
            new("property empty name", HttpMethod.Post, "/api/staff/properties", 400, "name", PropertyBody(name: ""), Staff: true),
            new("property oversize description", HttpMethod.Post, "/api/staff/properties", 400, "description", PropertyBody(description: longText), Staff: true),
            new("properties zero limit", HttpMethod.Get, "/api/staff/properties?limit=0", 400, "limit", Staff: true),
            new("properties forged cursor", HttpMethod.Get, "/api/staff/properties?after=%%%", 400, "after", Staff: true),
            new("search unknown sort", HttpMethod.Get, "/api/properties?city=Lisbon&sort=rating", 400, "sort"),
            new("properties unknown sort", HttpMethod.Get, "/api/staff/properties?sort=rating", 400, "sort", Staff: true),
            new("properties cursor of another sort", HttpMethod.Get, $"/api/staff/properties?sort=city&after={Cursor("name:Casa", Guid.NewGuid())}", 400, "after", Staff: true),
            new("unit nobody fits", HttpMethod.Post, $"/api/staff/properties/{property}/units", 400, "capacity", UnitBody(capacity: 0), Staff: true),
            new("unit max below min nights", HttpMethod.Post, $"/api/staff/properties/{property}/units", 400, "maxNights", UnitBody(minNights: 5, maxNights: 2), Staff: true),
            new("unit negative rate", HttpMethod.Post, $"/api/staff/properties/{property}/units", 400, "baseNightlyRate", UnitBody(rate: -10m), Staff: true),
            new("unit rate in tenths of cents", HttpMethod.Post, $"/api/staff/properties/{property}/units", 400, "baseNightlyRate", UnitBody(rate: 10.123m), Staff: true),
            new("unit absurd rate", HttpMethod.Post, $"/api/staff/properties/{property}/units", 400, "baseNightlyRate", UnitBody(rate: 10_000_000m), Staff: true),
            new("unit of unknown property", HttpMethod.Post, $"/api/staff/properties/{Guid.NewGuid()}/units", 404, Body: UnitBody(), Staff: true),
            new("season without dates", HttpMethod.Post, $"/api/staff/units/{unit}/rate-rules", 400, "startDate", new { kind = "Season", name = "S", nightlyPrice = 90m }, Staff: true),
            new("season with price and percent", HttpMethod.Post, $"/api/staff/units/{unit}/rate-rules", 400, "percent", new { kind = "Season", name = "S", startDate = D(inMonth), endDate = D(inMonth.AddDays(9)), nightlyPrice = 90m, percent = 10m }, Staff: true),
            new("discount of 95 percent", HttpMethod.Post, $"/api/staff/units/{unit}/rate-rules", 400, "percent", new { kind = "StayLengthDiscount", name = "D", minNights = 7, percent = 95m }, Staff: true),
            new("weekend uplift without percent", HttpMethod.Post, $"/api/staff/units/{unit}/rate-rules", 400, "percent", new { kind = "WeekendUplift", name = "W" }, Staff: true),
            new("rule of unknown kind", HttpMethod.Post, $"/api/staff/units/{unit}/rate-rules", 400, "kind", new { kind = "Surge", name = "X" }, Staff: true),
            new("block ending before it starts", HttpMethod.Post, $"/api/staff/units/{unit}/blocks", 400, "end", new { kind = "Owner", start = D(inMonth), end = D(inMonth.AddDays(-1)) }, Staff: true),
            new("block of two years", HttpMethod.Post, $"/api/staff/units/{unit}/blocks", 400, "end", new { kind = "Owner", start = D(inMonth), end = D(inMonth.AddYears(2)) }, Staff: true),
            new("block over a booking", HttpMethod.Post, $"/api/staff/units/{unit}/blocks", 409, Body: new { kind = "Maintenance", start = booked, end = D(today.AddDays(125)) }, Staff: true),
            // staff bookings and payments
            new("bookings unknown status", HttpMethod.Get, "/api/staff/bookings?status=Lost", 400, "status", Staff: true),
            new("bookings reversed range", HttpMethod.Get, $"/api/staff/bookings?from={D(inMonth)}&to={D(today)}", 400, "to", Staff: true),
            new("bookings forged cursor", HttpMethod.Get, "/api/staff/bookings?after=bm9wZQ", 400, "after", Staff: true),
            new("payments forged cursor", HttpMethod.Get, "/api/staff/payments?after=bm9wZQ", 400, "after", Staff: true),
            new("bookings unknown sort", HttpMethod.Get, "/api/staff/bookings?sort=guest", 400, "sort", Staff: true),
            new("bookings sort of two dashes", HttpMethod.Get, "/api/staff/bookings?sort=--total", 400, "sort", Staff: true),
            new("bookings cursor of another sort", HttpMethod.Get, $"/api/staff/bookings?sort=-checkIn&after={Cursor("total:120", Guid.NewGuid())}", 400, "after", Staff: true),
            new("bookings cursor of the other direction", HttpMethod.Get, $"/api/staff/bookings?sort=checkIn&after={Cursor("-checkIn:2026-01-01", Guid.NewGuid())}", 400, "after", Staff: true),
            new("bookings cursor with a bad key", HttpMethod.Get, $"/api/staff/bookings?sort=total&after={Cursor("total:lots", Guid.NewGuid())}", 400, "after", Staff: true),
            new("payments unknown sort", HttpMethod.Get, "/api/staff/payments?sort=card", 400, "sort", Staff: true),
            new("payments cursor with a bad time", HttpMethod.Get, $"/api/staff/payments?after={Cursor("-createdAt:yesterday", Guid.NewGuid())}", 400, "after", Staff: true),
            new("audit unknown sort", HttpMethod.Get, "/api/staff/audit?sort=actor", 400, "sort", Staff: true),
            new("audit zero limit", HttpMethod.Get, "/api/staff/audit?limit=0", 400, "limit", Staff: true),
            new("record a negative payment", HttpMethod.Post, $"/api/staff/bookings/{bookingId}/payments", 400, "amount", new { amount = -5m, currency = "EUR", method = "Cash" }, Staff: true),
            new("record a payment by barter", HttpMethod.Post, $"/api/staff/bookings/{bookingId}/payments", 400, "method", new { amount = 5m, currency = "EUR", method = "Goats" }, Staff: true),
            new("record a payment on a paid booking", HttpMethod.Post, $"/api/staff/bookings/{bookingId}/payments", 409, Body: new { amount = (decimal)booking["total"]!, currency = "EUR", method = "Cash" }, Staff: true),
            new("check out before check-in", HttpMethod.Post, $"/api/staff/bookings/{bookingId}/check-out", 409, Staff: true),
            new("check in weeks early", HttpMethod.Post, $"/api/staff/bookings/{bookingId}/check-in", 409, Staff: true),
            new("unknown booking", HttpMethod.Get, $"/api/staff/bookings/{Guid.NewGuid()}", 404, Staff: true),
            new("staff weak password", HttpMethod.Post, "/api/staff/users", 400, "password", new { email = "a@agency.test", displayName = "A", role = "Agent", password = "password" }, Staff: true),
            new("staff unknown role", HttpMethod.Post, "/api/staff/users", 400, "role", new { email = "a@agency.test", displayName = "A", role = "King", password = "correct horse 42" }, Staff: true),
        ];

        var failures = new List<string>();
        foreach (var c in cases)
        {
            using var request = new HttpRequestMessage(c.Method, c.Url);
            if (c.Body is not null || c.RawBody is not null)
            {
                request.Content = new StringContent(c.RawBody ?? JsonSerializer.Serialize(c.Body, Json.Options), Encoding.UTF8, c.ContentType);
            }

            if (c.Key && c.Method == HttpMethod.Post)
            {
                request.Headers.TryAddWithoutValidation("Idempotency-Key", c.IdempotencyKey ?? Json.Key());
            }

            var client = c.Staff ? staff.Client : api.Client();
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != c.Status)
            {
                failures.Add($"{c.Name}: expected {c.Status}, got {(int)response.StatusCode}: {text}");
                continue;
            }

            if (c.Status != 404 || text.Length > 0)
            {
                var problem = JsonDocument.Parse(text).RootElement;
                if (problem.GetProperty("status").GetInt32() != c.Status || !problem.TryGetProperty("title", out _))
                {
                    failures.Add($"{c.Name}: not a ProblemDetails: {text}");
                }

                if (c.Field is not null && !(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(c.Field, out _)))
                {
                    failures.Add($"{c.Name}: errors do not name '{c.Field}': {text}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Length} cases failed:\n" + string.Join('\n', failures));

        // Nothing the bad requests sent was stored: the agency still has one property, one unit, no block, no rule.
        Assert.Single((await (await staff.Client.GetAsync("/api/staff/properties")).BodyAsync())["items"]!.AsArray());
        Assert.Single((await (await staff.Client.GetAsync($"/api/staff/properties/{property}/units")).BodyAsync()).AsArray());
        Assert.Empty((await (await staff.Client.GetAsync($"/api/staff/units/{unit}/blocks")).BodyAsync()).AsArray());
        Assert.Empty((await (await staff.Client.GetAsync($"/api/staff/units/{unit}/rate-rules")).BodyAsync()).AsArray());
        Assert.Equal("Held", (string?)(await (await api.Client().GetAsync($"/api/bookings/{held["reference"]}?email={heldEmail}")).BodyAsync())["status"]);
    }

    [Fact]
    public async Task Junk_of_every_JSON_shape_never_gets_a_500()
    {
        var staff = await StaffSession.SignUpAsync(api);
        var property = await staff.CreatePropertyAsync();
        var unit = await staff.CreateUnitAsync(property);
        string[] writes =
        [
            "/api/bookings", "/api/bookings/ABCDEFGH/payments", "/api/bookings/ABCDEFGH/cancel", "/api/agencies", "/api/auth/sign-in", "/api/auth/refresh",
            "/api/staff/properties", $"/api/staff/properties/{property}/units", $"/api/staff/units/{unit}/rate-rules", $"/api/staff/units/{unit}/blocks",
            "/api/staff/bookings", "/api/staff/users",
        ];
        string[] puts = [$"/api/staff/properties/{property}", $"/api/staff/units/{unit}"];
        string[] junk =
        [
            "null", "[]", "\"text\"", "12", "true", "{}", "{\"unitId\":null,\"guest\":null}", "{\"name\":{\"nested\":[1,2,{}]}}",
            "{\"checkIn\":12,\"checkOut\":true,\"guests\":\"many\"}", "{\"amount\":1e400}", "{\"latitude\":\"north\"}", "[[[[[[[[[[[[]]]]]]]]]]]]",
            "{\"a\":" + new string('[', 100) + new string(']', 100) + "}", "\u0000\u0001", "{\"email\":\"\\ud800\"}",
        ];

        var failures = new List<string>();
        foreach (var (method, url) in writes.Select(u => (HttpMethod.Post, u)).Concat(puts.Select(u => (HttpMethod.Put, u))))
        {
            foreach (var body in junk)
            {
                using var request = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation("Idempotency-Key", Json.Key());
                using var response = await staff.Client.SendAsync(request);
                if ((int)response.StatusCode >= 500 || (int)response.StatusCode < 400)
                {
                    failures.Add($"{method} {url} with {body}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}
