using HexProperty.ServiceDefaults.Security;
using HexProperty.Web.Api;
using HexProperty.Web.Components;
using HexProperty.Web.Endpoints;
using HexProperty.Web.Forms;
using HexProperty.Web.Guests;
using HexProperty.Web.Staff;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;

// The site guests and staff use: Razor components rendered on the server, with Blazor's enhanced navigation and forms,
// streaming where a page waits on the Api, and Interactive Server islands where something moves (the live quote, the
// hold countdown, an export's progress, the notifications badge, the operations figures). Every guest page works
// without JavaScript. The Api is called through service discovery and the standard resilience pipeline.
var builder = WebApplication.CreateBuilder(args);

// The AppHost runs the build output, not a publish: outside Development the framework would not read the build's static
// web assets manifest and would serve empty files. This reads it whenever it is there (a published app has none).
builder.WebHost.UseStaticWebAssets();
builder.AddServiceDefaults();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
// Forms get their antiforgery token when they render, and pages without one carry none (see FormAntiforgery).
builder.Services.AddScoped<AntiforgeryStateProvider, FormAntiforgery>();
builder.Services.AddHttpContextAccessor();
// How long a page waits for the Api before it says the Api is not answering: HttpClients:api:Resilience in appsettings.json.
builder.Services.AddHttpClient<HexApiClient>(HexApiClient.ClientName, client => client.BaseAddress = new Uri("http://api"))
    .AddOwnResilienceHandler(builder.Configuration);
builder.Services.AddSingleton<GuestPass>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddExceptionHandler<SiteExceptionHandler>();
builder.Services.AddProblemDetails(); // the exception middleware requires a fallback; SiteExceptionHandler answers first

// Replicas share the keys that encrypt the staff cookie, the guest cookie and antiforgery tokens. Every page of a site
// with Interactive Server islands also data-protects its component state, so keys made here use AES-256-GCM: one
// authenticated cipher instead of AES-256-CBC with an HMAC, 1.6 times the protections per second
// (bench/data-protection.sh). Keys made before keep their algorithm until they expire.
var dataProtection = builder.Services.AddDataProtection().SetApplicationName("hexproperty-web")
    .UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration { EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM });
if (builder.Configuration["DataProtection:KeysPath"] is { Length: > 0 } keys)
{
    // The keys decrypt every cookie: their folder is the site's user's alone, before the first key is written into it.
    if (!OperatingSystem.IsWindows())
    {
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(keys, OwnerOnly);
        File.SetUnixFileMode(keys, OwnerOnly);
    }

    // Replicas started together make one first key between them, not one each (see OneFirstKey).
    dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys)).WithOneFirstKey(_ => new FileKeyRingLock(keys));
}

builder.Services.AddAuthentication(StaffClaims.Scheme).AddCookie(StaffClaims.Scheme, options =>
{
    options.Cookie.Name = StaffClaims.CookieName;
    options.Cookie.HttpOnly = true;
    options.Cookie.SameSite = SameSiteMode.Lax; // Lax: a link from an e-mail to a staff page arrives signed in
    options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    options.LoginPath = "/staff/sign-in";
    options.AccessDeniedPath = "/staff/forbidden";
    options.SlidingExpiration = false;
});
// The antiforgery cookie is HttpOnly and SameSite=Strict by default; Secure whenever the site is served over HTTPS.
builder.Services.AddAntiforgery(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
builder.Services.AddAuthorizationBuilder()
    .AddPolicy(StaffClaims.OperatorPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(StaffClaims.Operator, "true"));
builder.Services.AddCascadingAuthenticationState();

var app = builder.Build();

// Every page loads only the site's own scripts, styles and fonts, and opens WebSockets (Blazor's circuits) only to the
// site itself ('self' covers ws: and wss: of the same host); photos are the site's own (/photos, from the Api).
app.UseSecurityHeaders(
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
app.UseExceptionHandler();
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapSiteEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapDefaultEndpoints();

app.Run();

/// <summary>The site's entry point, public so tests can host it.</summary>
public partial class Program;
