using HexProperty.Api.Apis;
using HexProperty.Api.Apis.Staff;
using HexProperty.Api.Extensions;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Api.Infrastructure.Idempotency;
using HexProperty.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddAbuseLimits();

var app = builder.Build();

// JSON everywhere, except the API reference page, which runs Scalar's script (served by the Api itself).
app.UseSecurityHeaders(context => context.Request.Path.StartsWithSegments("/scalar") ? ApiReference.Policy : SecurityHeaders.ApiPolicy, referrerPolicy: "no-referrer");
app.UseForwardedHeaders(); // the client's address, from the balancer's header only when the balancer sent it
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseMiddleware<StaffAccess>(); // a deactivated member's or a changed role's token, as the database says now
app.UseAuthorization();
app.UseRateLimiter(); // after authentication: signed-in staff are not "anonymous traffic"
app.UseMiddleware<IdempotencyMiddleware>();

app.MapOpenApi();
app.MapApiReference();
app.MapDefaultEndpoints();
app.MapAlertmanagerWebhook(); // its token is checked before its input
// Every operation's input passes the same edge checks (control characters, lengths, dates arithmetic can take).
var api = app.MapGroup("").GuardInput();
api.MapPlatformApi();
api.MapSearchApi();
api.MapPropertiesApi();
api.MapQuotesApi();
api.MapBookingsApi();
api.MapAgenciesApi();
api.MapAuthApi();
api.MapStaffPropertiesApi();
api.MapStaffPhotosApi();
api.MapStaffUnitsApi();
api.MapStaffRateRulesApi();
api.MapStaffBlocksApi();
api.MapStaffBookingsApi();
api.MapStaffPaymentsApi();
api.MapStaffUsersApi();
api.MapStaffJobsApi();
api.MapStaffNotificationsApi();
api.MapStaffDashboardApi();
api.MapStaffAuditApi();
api.MapOperationsApi();
api.MapAlertsApi();

app.Run();

/// <summary>The Api's entry point, public so tests can host it.</summary>
public partial class Program;
