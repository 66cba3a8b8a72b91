namespace HexProperty.Api.Tests;

/// <summary>The Api's clock in tests: real time until a test moves it forward (to let a hold lapse, or a deadline pass).</summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow.AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public DateOnly Today => DateOnly.FromDateTime(GetUtcNow().UtcDateTime);
}
