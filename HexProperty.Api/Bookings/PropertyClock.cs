namespace HexProperty.Api.Bookings;

/// <summary>Dates as the property sees them: "today" (for past dates and cancellation deadlines) is counted in its time zone.</summary>
public sealed class PropertyClock(TimeProvider time)
{
    public TimeProvider Time => time;

    public DateTimeOffset Now => time.GetUtcNow();

    public DateOnly Today(string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);

    public static bool IsKnownTimeZone(string? id) => id is { Length: > 0 } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
