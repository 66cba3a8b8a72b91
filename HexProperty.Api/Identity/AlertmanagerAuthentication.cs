using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HexProperty.Api.Identity;

/// <summary>
/// Alertmanager signs its webhook calls with a bearer token of its own (<c>Alerts:WebhookToken</c>, which the AppHost
/// generates and gives both). A scheme, so the check runs with authorization, before the body is read or rate limits
/// are counted: a caller without the token gets a 401 and learns nothing of what the endpoint takes. Without a
/// configured token nobody passes.
/// </summary>
public sealed class AlertmanagerAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "alertmanager";
    public const string Policy = "alertmanager";
    public const string TokenKey = "Alerts:WebhookToken";

    public static void AddPolicy(Microsoft.AspNetCore.Authorization.AuthorizationBuilder authorization) =>
        authorization.AddPolicy(Policy, p => p.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser().RequireClaim(ClaimTypes.Role, SchemeName));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var expected = configuration[TokenKey];
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(expected) || !header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..]), Encoding.UTF8.GetBytes(expected)))
        {
            return Task.FromResult(AuthenticateResult.Fail("not Alertmanager's token"));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alertmanager"), new Claim(ClaimTypes.Role, SchemeName)], SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
