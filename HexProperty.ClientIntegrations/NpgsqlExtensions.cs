using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HexProperty.ClientIntegrations;

public static class NpgsqlExtensions
{
    /// <summary>
    /// Registers one pooled <see cref="NpgsqlDataSource"/> for <c>ConnectionStrings:name</c> and a health check that
    /// runs <c>select 1</c>. Npgsql traces and meters itself (source and meter "Npgsql", subscribed by the service defaults).
    /// </summary>
    public static IHostApplicationBuilder AddNpgsqlDataSource(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = ConnectionStrings.Require(builder.Configuration, connectionName);
        builder.Services.TryAddSingleton(services => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(services.GetRequiredService<ILoggerFactory>())
            .Build());
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            services => new NpgsqlHealthCheck(services.GetRequiredService<NpgsqlDataSource>()),
            HealthStatus.Unhealthy,
            ["ready", "postgresql"]));
        return builder;
    }

    /// <summary>
    /// Registers a pooled <typeparamref name="TContext"/> on the data source of <c>ConnectionStrings:name</c>, retrying
    /// transient failures (EF's retrying execution strategy), with the same health check. As in Aspire's integration.
    /// </summary>
    public static IHostApplicationBuilder AddNpgsqlDbContext<TContext>(
        this IHostApplicationBuilder builder, string connectionName, Action<DbContextOptionsBuilder>? configure = null, bool retryOnFailure = true)
        where TContext : DbContext
    {
        builder.AddNpgsqlDataSource(connectionName);
        builder.Services.AddDbContextPool<TContext>((services, options) =>
        {
            options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>(), npgsql =>
            {
                if (retryOnFailure)
                {
                    npgsql.EnableRetryOnFailure();
                }
            });
            configure?.Invoke(options);
        });
        return builder;
    }

    private sealed class NpgsqlHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("select 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, e.Message, e);
            }
        }
    }
}
