using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace HexProperty.ServiceDefaults.Resilience;

/// <summary>
/// One pipeline per named HttpClient, kept for the life of the process: the factory recycles message handlers
/// every two minutes, and a circuit breaker that forgot its state with each handler would never open.
/// </summary>
public sealed class HttpResiliencePipelines : IDisposable
{
    public const string MeterName = "HexProperty.Resilience";

    internal static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("HexProperty.HttpRequest");

    private readonly ConcurrentDictionary<string, Lazy<ClientResilience>> _clients = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<HttpStandardResilienceOptions> _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Meter _meter;
    private readonly Counter<long> _retries;

    public HttpResiliencePipelines(IOptionsMonitor<HttpStandardResilienceOptions> options, ILogger<HttpResiliencePipelines> logger, IMeterFactory meters, TimeProvider? time = null)
    {
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _meter = meters.Create(MeterName);
        _retries = _meter.CreateCounter<long>("hexproperty.http_client.retries", description: "Retried HTTP attempts, by client.");
        _meter.CreateObservableGauge(
            "hexproperty.http_client.circuit_breaker.state",
            () => _clients.Where(c => c.Value.IsValueCreated)
                .Select(c => new Measurement<int>((int)c.Value.Value.Breaker.CircuitState, new KeyValuePair<string, object?>("http.client.name", c.Key))),
            description: "Circuit breaker state per client: 0 closed, 1 open, 2 half-open, 3 isolated.");
    }

    /// <summary>The client's pipeline, limiter and breaker, created on first use from its options.</summary>
    public ClientResilience For(string clientName) =>
        _clients.GetOrAdd(clientName, name => new Lazy<ClientResilience>(() => Create(name))).Value;

    public IReadOnlyDictionary<string, CircuitState> CircuitStates =>
        _clients.Where(c => c.Value.IsValueCreated).ToDictionary(c => c.Key, c => c.Value.Value.Breaker.CircuitState);

    private ClientResilience Create(string clientName)
    {
        var options = _options.Get(clientName);
        var breaker = new CircuitBreakerStateProvider();
        var displayName = clientName.Length == 0 ? "(default)" : clientName;
        var transient = new Func<Outcome<HttpResponseMessage>, ResilienceContext, bool>((outcome, context) =>
            HttpTransientFailures.IsTransient(outcome)
            && (!options.Retry.DisableForUnsafeHttpMethods || !context.Properties.TryGetValue(RequestKey, out var request) || HttpTransientFailures.IsIdempotent(request.Method)));

        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = $"http:{displayName}", TimeProvider = _time }
            .AddTimeout(new TimeoutStrategyOptions { Name = "TotalRequestTimeout", Timeout = options.TotalRequestTimeout });
        if (options.Retry.MaxRetryAttempts > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "Retry",
                MaxRetryAttempts = options.Retry.MaxRetryAttempts,
                Delay = options.Retry.Delay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.Retry.UseJitter,
                ShouldHandle = args => ValueTask.FromResult(transient(args.Outcome, args.Context)),
                DelayGenerator = args => ValueTask.FromResult(
                    options.Retry.ShouldRetryAfterHeader ? HttpTransientFailures.RetryAfter(args.Outcome.Result, _time.GetUtcNow()) : null),
                OnRetry = args =>
                {
                    _retries.Add(1, new KeyValuePair<string, object?>("http.client.name", displayName));
                    _logger.LogWarning(
                        "HTTP client {Client}: attempt {Attempt} failed ({Failure}); retrying in {Delay} ms",
                        displayName, args.AttemptNumber + 1, Describe(args.Outcome), (int)args.RetryDelay.TotalMilliseconds);
                    args.Outcome.Result?.Dispose(); // the failed response is replaced by the next attempt's
                    return ValueTask.CompletedTask;
                },
            });
        }

        pipeline
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                Name = "CircuitBreaker",
                FailureRatio = options.CircuitBreaker.FailureRatio,
                MinimumThroughput = options.CircuitBreaker.MinimumThroughput,
                SamplingDuration = options.CircuitBreaker.SamplingDuration,
                BreakDuration = options.CircuitBreaker.BreakDuration,
                StateProvider = breaker,
                ShouldHandle = args => ValueTask.FromResult(transient(args.Outcome, args.Context)),
                OnOpened = args =>
                {
                    _logger.LogWarning("HTTP client {Client}: circuit opened for {Seconds:0.#} s after {Failure}", displayName, args.BreakDuration.TotalSeconds, Describe(args.Outcome));
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    _logger.LogInformation("HTTP client {Client}: circuit closed", displayName);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = options.AttemptTimeout });

        var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.ConcurrencyLimit,
            QueueLimit = 0,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        return new ClientResilience(displayName, pipeline.Build(), limiter, options.ConcurrencyLimit, breaker);
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? e.GetType().Name + ": " + e.Message : $"status {(int?)outcome.Result?.StatusCode}";

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Limiter.Dispose();
        }

        _meter.Dispose();
    }
}

/// <summary>The resilience state of one named client.</summary>
public sealed record ClientResilience(
    string Name, ResiliencePipeline<HttpResponseMessage> Pipeline, ConcurrencyLimiter Limiter, int ConcurrencyLimit, CircuitBreakerStateProvider Breaker);
