using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HexProperty.Hosting;

/// <summary>
/// The health checks of the local servers, each a real client round trip. Aspire checks a resource that is not healthy
/// yet after 1, 2, 3, 4 and then every 5 s, so a server ready 6 s after its start would be seen ready at 10 s and
/// everything waiting for it would start 4 s late. Each check here therefore tries again every 200 ms for up to
/// <see cref="Patience"/> before it reports failure: a booting server is seen within 200 ms of being ready, and a
/// healthy one answers at the first try.
/// </summary>
internal static class ServerHealthChecks
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(200);

    /// <summary>Registers the check under <c>{resource}_check</c> and returns that key, for <c>WithHealthCheck</c>.</summary>
    public static string AddServerHealthCheck(this IDistributedApplicationBuilder builder, string resourceName, Func<IHealthCheck> create)
    {
        var key = $"{resourceName}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => new Patient(create()), failureStatus: null, tags: null));
        return key;
    }

    private sealed class Patient(IHealthCheck check) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (true)
            {
                HealthCheckResult result;
                try
                {
                    result = await check.CheckHealthAsync(context, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    result = new HealthCheckResult(context.Registration.FailureStatus, e.Message, e);
                }

                if (result.Status == HealthStatus.Healthy || DateTime.UtcNow + Step > deadline)
                {
                    return result;
                }

                await Task.Delay(Step, cancellationToken);
            }
        }
    }
}
