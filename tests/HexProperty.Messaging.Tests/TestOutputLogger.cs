using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace HexProperty.Messaging.Tests;

/// <summary>Writes a component's log to the test's output, so a failure in CI shows what the relay and consumer saw.</summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            TestOutput.WriteAsync(output, $"{logLevel} {typeof(T).Name}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
        }
    }
}

/// <summary>A time-stamped line in the test's output (also from a broker connection's events).</summary>
internal static class TestOutput
{
    public static Task WriteAsync(ITestOutputHelper output, string line)
    {
        try
        {
            output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; a late line from a component stopping has nowhere to go.
        }

        return Task.CompletedTask;
    }
}
