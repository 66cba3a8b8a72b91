namespace HexProperty.ServiceDefaults.ServiceDiscovery;

/// <summary>
/// Rewrites a request's logical URI (<c>http://api/...</c>) to a real endpoint on every attempt: sitting inside
/// the resilience pipeline, each retry resolves again and may go to another replica.
/// </summary>
internal sealed class ServiceDiscoveryHandler(ServiceEndpointResolver resolver) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<Uri> LogicalUri = new("HexProperty.ServiceDiscovery.LogicalUri");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not null)
        {
            if (!request.Options.TryGetValue(LogicalUri, out var logical))
            {
                logical = request.RequestUri;
                request.Options.Set(LogicalUri, logical);
            }

            request.RequestUri = resolver.Resolve(logical) ?? ServiceEndpointResolver.PassThrough(logical);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
