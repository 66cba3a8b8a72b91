using System.Security.Claims;
using HexProperty.Data.Model;

namespace HexProperty.Api.Identity;

/// <summary>The signed-in staff member, read from the bearer token's claims; every staff query filters by <see cref="AgencyId"/>.</summary>
public sealed record CurrentStaff(Guid UserId, Guid AgencyId, StaffRole Role)
{
    public const string AgencyClaim = "agency_id";

    /// <summary>Present (value "true") on a platform operator's token.</summary>
    public const string OperatorClaim = "operator";

    public static CurrentStaff From(ClaimsPrincipal user) => new(
        Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!),
        Guid.Parse(user.FindFirstValue(AgencyClaim)!),
        Enum.Parse<StaffRole>(user.FindFirstValue(ClaimTypes.Role)!));

    public static ClaimsPrincipal Principal(StaffUser user, string scheme) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new Claim(AgencyClaim, user.AgencyId.ToString()),
            new Claim(ClaimTypes.Role, user.Role.ToString()),
            new Claim(ClaimTypes.Email, user.Email),
            new Claim(ClaimTypes.Name, user.DisplayName),
            .. user.Operator ? [new Claim(OperatorClaim, "true")] : Array.Empty<Claim>(),
        ],
        scheme));
}

/// <summary>Who may do what: every staff member handles bookings and payments; managers and owners also manage the
/// catalogue (properties, units, rates, blocks); owners also manage staff. Operators (a flag, not an agency role) see
/// the platform's operations: dead letters, schedules.</summary>
public static class StaffPolicies
{
    public const string Staff = "staff";
    public const string Catalogue = "catalogue";
    public const string Owner = "owner";
    public const string Operator = "operator";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationBuilder authorization) => authorization
        .AddPolicy(Staff, p => p.RequireAuthenticatedUser().RequireClaim(CurrentStaff.AgencyClaim))
        .AddPolicy(Catalogue, p => p.RequireAuthenticatedUser().RequireClaim(CurrentStaff.AgencyClaim).RequireRole(nameof(StaffRole.Manager), nameof(StaffRole.Owner)))
        .AddPolicy(Owner, p => p.RequireAuthenticatedUser().RequireClaim(CurrentStaff.AgencyClaim).RequireRole(nameof(StaffRole.Owner)))
        .AddPolicy(Operator, p => p.RequireAuthenticatedUser().RequireClaim(CurrentStaff.OperatorClaim, "true"))
        // Operators see which dependency /health found unhealthy, and why; everyone else sees the status alone.
        .AddPolicy(HexProperty.ServiceDefaults.Health.HealthResponses.DetailPolicy, p => p.RequireAuthenticatedUser().RequireClaim(CurrentStaff.OperatorClaim, "true"));
}
