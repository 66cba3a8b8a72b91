using System.Text.Json.Serialization;
using FluentValidation;
using HexProperty.Api.Bookings;
using HexProperty.Api.Caching;
using HexProperty.Api.Catalog;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Api.Infrastructure.Idempotency;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using HexProperty.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace HexProperty.Api.Extensions;

public static class ApplicationServices
{
    /// <summary>The most a request body may be: every Api request is a small JSON document.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // One pool on the primary for EF Core and the raw SQL of writes, outbox and idempotency store: Aspire's data
        // source, which the context is built on and then enriched (telemetry) by Aspire's integration; and one for
        // reads that tolerate a little lag (search, calendars), on the standby when there is one.
        var pool = builder.AddHexDatabases();
        // Pooled contexts, each handed out acting for the request's agency (the tenancy walls: AgencyScope), retrying
        // transient failures within the pool's budget (Database:Pool:RetryCount and RetryMaxDelay).
        services.AddPooledDbContextFactory<HexDbContext>((provider, options) => HexDbContext.Configure(options, provider.GetRequiredService<NpgsqlDataSource>(), pool));
        services.AddHttpContextAccessor();
        services.AddScoped<IAgencyScope, StaffAgencyScope>();
        services.AddScoped(provider =>
        {
            var db = provider.GetRequiredService<IDbContextFactory<HexDbContext>>().CreateDbContext();
            db.Scope = provider.GetRequiredService<IAgencyScope>();
            return db;
        });
        // Aspire's enrichment adds telemetry; the database is checked by AddHexDatabases, and retries are configured above
        // (Aspire's would be EF Core's default: about a minute of back-off before a request may fail).
        builder.EnrichNpgsqlDbContext<HexDbContext>(settings => (settings.DisableHealthChecks, settings.DisableRetry) = (true, true));
        builder.AddApiCaching();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
            // The framework answers a wrong content type itself, before any handler: say what it wants.
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && !context.ProblemDetails.Extensions.ContainsKey("errors"))
            {
                context.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { ["body"] = ["must be sent as application/json"] };
            }
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<DatabaseExceptionHandler>();
        services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        // Binding failures throw, so BadRequestExceptionHandler can name the field; otherwise they are a bare 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false)));
        services.AddOpenApi(OpenApiContract.Configure);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PropertyClock>();
        // Its own resilience pipeline: Prometheus down must not open the breaker other clients share.
        services.AddHttpClient<Monitoring.PrometheusReader>(Monitoring.PrometheusReader.ClientName, client => client.BaseAddress = new Uri("http://prometheus"))
            .AddOwnResilienceHandler(builder.Configuration);
        services.AddSingleton<Occupancy>();
        services.AddSingleton<PropertySearch>();
        services.AddSingleton<PropertyDetailsQuery>();
        services.AddSingleton<PropertyViews>();
        services.AddHostedService(sp => sp.GetRequiredService<PropertyViews>());
        services.AddOptions<HexProperty.Data.Jobs.ExportStorageOptions>().BindConfiguration("Exports");
        services.AddSingleton<UnitPricingQuery>();
        services.AddSingleton<AvailabilityCalendarQuery>();
        services.AddSingleton<ProcessLease>();
        services.AddHostedService(sp => sp.GetRequiredService<ProcessLease>());
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<BookingReferences>();
        services.AddSingleton<IPaymentGateway, LocalPaymentGateway>();
        services.AddScoped<BookingService>();
        services.AddOptions<BookingOptions>().BindConfiguration("Booking");
        AddValidators(services);

        services.AddSingleton<IPasswordHasher<StaffUser>, PasswordHasher<StaffUser>>();
        services.AddAuthentication(BearerTokenDefaults.AuthenticationScheme).AddBearerToken()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AlertmanagerAuthentication>(AlertmanagerAuthentication.SchemeName, null);
        services.AddMemoryCache();
        services.AddOptions<StaffAccessOptions>().BindConfiguration("StaffAccess");
        var authorization = services.AddAuthorizationBuilder();
        StaffPolicies.Add(authorization);
        AlertmanagerAuthentication.AddPolicy(authorization);
        // Every Api instance reads the bearer tokens any other issued, and tokens survive a restart; replicas started
        // together make one first key between them, not one each.
        services.AddDataProtection().SetApplicationName("HexProperty").PersistKeysToDbContext<HexDbContext>()
            .WithOneFirstKey(provider => new PostgresKeyRingLock(provider.GetRequiredService<IConfiguration>()));
        return builder;
    }

    /// <summary>Every validator in this assembly, for the request type it validates.</summary>
    private static void AddValidators(IServiceCollection services)
    {
        ValidationExtensions.UseJsonFieldNames();
        foreach (var type in typeof(ApplicationServices).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            if (type.BaseType is { IsGenericType: true } baseType && baseType.GetGenericTypeDefinition() == typeof(AbstractValidator<>))
            {
                services.AddSingleton(typeof(IValidator<>).MakeGenericType(baseType.GetGenericArguments()[0]), type);
            }
        }
    }
}
