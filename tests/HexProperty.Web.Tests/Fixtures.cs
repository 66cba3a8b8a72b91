using System.Globalization;
using System.Net;
using System.Text.Json;
using HexProperty.Web.Api;

namespace HexProperty.Web.Tests;

/// <summary>What the stub Api answers: a unit priced at 90 a night plus 10 cleaning, free on every night.</summary>
internal static class Fixtures
{
    public static readonly Guid PropertyId = Guid.Parse("0190a000-0000-7000-8000-000000000001");
    public static readonly Guid UnitId = Guid.Parse("0190a000-0000-7000-8000-000000000002");
    public static readonly UnitSummary Unit = new(UnitId, "Garden flat", 4, 2, 90m, 10m, 1, 30);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static string Json(object value) => JsonSerializer.Serialize(value, Web);

    public static AvailabilityCalendar Calendar(DateOnly from, int months = 2) =>
        new(PropertyId, from, from.AddMonths(months), [new UnitCalendar(UnitId, Unit.Name, 1, 30, [])]);

    /// <summary>Answers quotes and calendars as the Api would for <see cref="Unit"/>.</summary>
    public static (HttpStatusCode, string) Answer(string path)
    {
        var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://api" + path).Query);
        if (path.Contains("/quote", StringComparison.Ordinal))
        {
            var (checkIn, checkOut) = (DateOnly.Parse(query["checkIn"]!, CultureInfo.InvariantCulture), DateOnly.Parse(query["checkOut"]!, CultureInfo.InvariantCulture));
            var nights = Enumerable.Range(0, checkOut.DayNumber - checkIn.DayNumber).Select(i => new NightPrice(checkIn.AddDays(i), 90m, null, false)).ToList();
            return (HttpStatusCode.OK, Json(new PriceQuote("EUR", checkIn, checkOut, int.Parse(query["guests"]!, CultureInfo.InvariantCulture), nights, 90m * nights.Count, null, 10m, [], 90m * nights.Count + 10m)));
        }

        if (path.Contains("/availability", StringComparison.Ordinal))
        {
            return (HttpStatusCode.OK, Json(Calendar(DateOnly.Parse(query["from"]!, CultureInfo.InvariantCulture), int.Parse(query["months"]!, CultureInfo.InvariantCulture))));
        }

        return (HttpStatusCode.NotFound, "{}");
    }
}
