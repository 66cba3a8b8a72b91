using System.Collections.Concurrent;
using Polly.CircuitBreaker;

namespace HexProperty.ServiceDefaults.Resilience;

/// <summary>
/// The circuit breaker of each named HTTP client's standard resilience handler, as the operations page shows it: the
/// handler keeps its state to itself, so each client's breaker gets a state provider when its options are made.
/// </summary>
public sealed class HttpCircuitStates
{
    /// <summary>The name under which the pipeline every client shares by default is shown.</summary>
    public const string DefaultPipeline = "default";

    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> _providers = new(StringComparer.Ordinal);

    /// <summary>Every client whose pipeline has been built, by name.</summary>
    public IReadOnlyDictionary<string, CircuitState> States =>
        _providers.ToDictionary(p => p.Key, p => p.Value.CircuitState, StringComparer.Ordinal);

    internal void Track<TResult>(string client, CircuitBreakerStrategyOptions<TResult> breaker)
    {
        // Options are made again when configuration reloads; the new pipeline gets a new provider.
        var provider = new CircuitBreakerStateProvider();
        breaker.StateProvider = provider;
        _providers[client] = provider;
    }
}
