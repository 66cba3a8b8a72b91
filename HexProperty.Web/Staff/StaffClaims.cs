using System.Security.Claims;
using HexProperty.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace HexProperty.Web.Staff;

/// <summary>
/// A staff session on the site: an encrypted, HttpOnly cookie holding who signed in and the Api's bearer token, which
/// the site sends on their behalf. The cookie lasts as long as the token (one hour); then the Api answers 401 and the
/// site asks them to sign in again. No server-side session, so any replica serves any request (the data-protection
/// keys are shared through <c>DataProtection:KeysPath</c>).
/// </summary>
public static class StaffClaims
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "hexproperty-staff";
    public const string AccessToken = "hexproperty:access_token";
    public const string Role = ClaimTypes.Role;
    public const string Operator = "hexproperty:operator";
    public const string OperatorPolicy = "operator";

    public static bool IsOperator(this ClaimsPrincipal user) => user.HasClaim(Operator, "true");

    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Name) ?? "Staff";

    /// <summary>Exchanges email and password for the Api's token and signs the browser in; the problem when refused.</summary>
    public static async Task<ApiProblem?> SignInAsync(HttpContext http, HexApiClient api, string email, string password, CancellationToken ct)
    {
        var tokens = await api.SignInAsync(email, password, ct);
        if (tokens.Value is not { } granted)
        {
            return tokens.Problem;
        }

        var me = await api.MeAsync(granted.AccessToken, ct);
        if (me.Value is not { } user)
        {
            return me.Problem;
        }

        // The Api's token carries the operator flag as a claim; the site learns it by asking an operator-only endpoint.
        var isOperator = await api.IsOperatorAsync(granted.AccessToken, ct);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new Claim(ClaimTypes.Name, user.DisplayName),
            new Claim(ClaimTypes.Email, user.Email),
            new Claim(Role, user.Role),
            new Claim(Operator, isOperator ? "true" : "false"),
            new Claim(AccessToken, granted.AccessToken),
        ], Scheme);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            IsPersistent = false,
            ExpiresUtc = DateTimeOffset.UtcNow.AddSeconds(Math.Max(60, granted.ExpiresIn - 60)),
        });
        return null;
    }
}
