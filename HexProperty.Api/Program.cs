using HexProperty.Api.Apis;
using HexProperty.Api.Apis.Staff;
using HexProperty.Api.Extensions;
using HexProperty.Api.Infrastructure.Idempotency;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseMiddleware<IdempotencyMiddleware>();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapPlatformApi();
app.MapSearchApi();
app.MapPropertiesApi();
app.MapQuotesApi();
app.MapBookingsApi();
app.MapAgenciesApi();
app.MapAuthApi();
app.MapStaffPropertiesApi();
app.MapStaffUnitsApi();
app.MapStaffRateRulesApi();
app.MapStaffBlocksApi();
app.MapStaffBookingsApi();
app.MapStaffPaymentsApi();
app.MapStaffUsersApi();
app.MapStaffJobsApi();
app.MapStaffNotificationsApi();
app.MapStaffDashboardApi();
app.MapOperationsApi();

app.Run();

/// <summary>The Api's entry point, public so tests can host it.</summary>
public partial class Program;
