using System.Security.Claims;
using HexProperty.Data.Persistence;

namespace HexProperty.Api.Identity;

/// <summary>
/// A request acts for the signed-in staff member's agency (the token's claim, already checked against the database by
/// <see cref="StaffAccess"/>); an anonymous request acts for none. Read when a query runs, not when the context was
/// handed out, so a context taken before authentication finished still follows the caller.
/// </summary>
public sealed class StaffAgencyScope(IHttpContextAccessor http) : IAgencyScope
{
    public Guid? AgencyId => Staff(out var agency, out _) ? agency : null;

    public StaffActor? Actor => Staff(out _, out var user) ? new StaffActor(user, http.HttpContext!.User.FindFirstValue(ClaimTypes.Name) ?? "") : null;

    private bool Staff(out Guid agency, out Guid user)
    {
        agency = user = Guid.Empty;
        var principal = http.HttpContext?.User;
        return principal?.Identity is { IsAuthenticated: true }
            && Guid.TryParse(principal.FindFirstValue(CurrentStaff.AgencyClaim), out agency)
            && Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out user);
    }
}
