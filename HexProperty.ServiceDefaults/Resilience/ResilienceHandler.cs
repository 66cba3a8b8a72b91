namespace HexProperty.ServiceDefaults.Resilience;

/// <summary>
/// Sends each request through its client's pipeline. The concurrency limit comes first, as the outermost
/// strategy of Microsoft's standard handler (Polly.RateLimiting, which would host it, does not restore here).
/// </summary>
internal sealed class ResilienceHandler(ClientResilience resilience) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = resilience.Limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            throw new HttpRequestException(
                $"HTTP client '{resilience.Name}' has {resilience.ConcurrencyLimit} requests in flight, its limit; the request was rejected without being sent.");
        }

        var context = Polly.ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(HttpResiliencePipelines.RequestKey, request);
        try
        {
            return await resilience.Pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<HttpResponseMessage>(state.Handler.SendAttemptAsync(state.Request, ctx.CancellationToken)),
                context,
                (Handler: this, Request: request));
        }
        finally
        {
            Polly.ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
