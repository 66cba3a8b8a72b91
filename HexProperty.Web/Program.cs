using HexProperty.Web.Api;
using HexProperty.Web.Components;
using HexProperty.Web.Endpoints;
using HexProperty.Web.Guests;
using HexProperty.Web.Staff;
using Microsoft.AspNetCore.DataProtection;

// The site guests and staff use: Razor components rendered on the server (static SSR), enhanced with htmx and
// Server-Sent Events, calling the Api through service discovery and the standard resilience pipeline.
var builder = WebApplication.CreateBuilder(args);

// The AppHost runs the build output, not a publish: outside Development the framework would not read the build's static
// web assets manifest and would serve empty files. This reads it whenever it is there (a published app has none).
builder.WebHost.UseStaticWebAssets();
builder.AddServiceDefaults();
builder.Services.AddRazorComponents();
builder.Services.AddHttpContextAccessor();
// How long a page waits for the Api before it says the Api is not answering: HttpClients:api:Resilience in appsettings.json.
builder.Services.AddHttpClient<HexApiClient>(HexApiClient.ClientName, client => client.BaseAddress = new Uri("http://api"))
    .AddOwnResilienceHandler(builder.Configuration);
builder.Services.AddSingleton<GuestPass>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddScoped<Fragments>();
builder.Services.AddExceptionHandler<SiteExceptionHandler>();
builder.Services.AddProblemDetails(); // the exception middleware requires a fallback; SiteExceptionHandler answers first

// Replicas share the keys that encrypt the staff cookie, the guest cookie and antiforgery tokens.
var dataProtection = builder.Services.AddDataProtection().SetApplicationName("hexproperty-web");
if (builder.Configuration["DataProtection:KeysPath"] is { Length: > 0 } keys)
{
    dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys));
}

builder.Services.AddAuthentication(StaffClaims.Scheme).AddCookie(StaffClaims.Scheme, options =>
{
    options.Cookie.Name = StaffClaims.CookieName;
    options.Cookie.HttpOnly = true;
    options.Cookie.SameSite = SameSiteMode.Lax;
    options.LoginPath = "/staff/sign-in";
    options.AccessDeniedPath = "/staff/forbidden";
    options.SlidingExpiration = false;
});
builder.Services.AddAuthorizationBuilder()
    .AddPolicy(StaffClaims.OperatorPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(StaffClaims.Operator, "true"));
builder.Services.AddCascadingAuthenticationState();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapSiteEndpoints();
app.MapRazorComponents<App>();
app.MapDefaultEndpoints();

app.Run();

/// <summary>The site's entry point, public so tests can host it.</summary>
public partial class Program;
