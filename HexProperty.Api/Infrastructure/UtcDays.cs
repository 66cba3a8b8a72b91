namespace HexProperty.Api.Infrastructure;

/// <summary>
/// A list filter's days as UTC instants: rows at or after <see cref="Start"/> of <c>from</c> and before
/// <see cref="After"/> of <c>to</c> cover both days whole. The input guard keeps days within 1900-2199.
/// </summary>
public static class UtcDays
{
    public static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static DateTimeOffset After(DateOnly day) => Start(day.AddDays(1));
}
