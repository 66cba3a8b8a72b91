namespace HexProperty.ServiceDefaults.Resilience;

/// <summary>
/// The standard pipeline of Microsoft.Extensions.Http.Resilience, with its strategies, order and defaults:
/// concurrency limit, then total timeout, retry, circuit breaker and per-attempt timeout (outer to inner).
/// Configure per client in code (<c>AddStandardResilienceHandler(o => ...)</c>) or in configuration under
/// <c>HttpClients:{name}:Resilience</c>.
/// </summary>
public sealed class HttpStandardResilienceOptions
{
    /// <summary>Requests in flight through one client at once; more are rejected immediately (no queue).</summary>
    public int ConcurrencyLimit { get; set; } = 1000;

    /// <summary>The whole call, every retry and delay included.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public HttpRetryOptions Retry { get; set; } = new();

    public HttpCircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>One attempt; a slow attempt is abandoned and retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class HttpRetryOptions
{
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Base delay, doubled on each attempt, with jitter.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    public bool UseJitter { get; set; } = true;

    /// <summary>Wait as long as the server's Retry-After header asks, when it sends one.</summary>
    public bool ShouldRetryAfterHeader { get; set; } = true;

    /// <summary>Retry only GET, HEAD, OPTIONS, TRACE, PUT and DELETE; off by default, as in Microsoft's handler.</summary>
    public bool DisableForUnsafeHttpMethods { get; set; }
}

public sealed class HttpCircuitBreakerOptions
{
    /// <summary>Share of failed calls within the sampling window that opens the circuit.</summary>
    public double FailureRatio { get; set; } = 0.1;

    /// <summary>Calls needed in the window before the ratio counts.</summary>
    public int MinimumThroughput { get; set; } = 100;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit rejects calls before it lets one through to test.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
