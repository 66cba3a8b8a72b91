using System.Security.Claims;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace HexProperty.Api.Identity;

public sealed class StaffAccessOptions
{
    /// <summary>How long a replica trusts what it last read of a staff member's access; a change takes effect within it.</summary>
    public TimeSpan Recheck { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// A bearer token is self-contained and lives an hour; what it says about its holder is checked against the database
/// on every replica at most <see cref="StaffAccessOptions.Recheck"/> old. A deactivated staff member's token stops
/// working (the request is anonymous: 401); a changed role or operator flag applies to the token already issued. The
/// replica that made the change forgets its copy at once (<see cref="Forget"/>). Runs right after authentication.
/// </summary>
public sealed class StaffAccess(RequestDelegate next, IMemoryCache cache, IOptions<StaffAccessOptions> options)
{
    private sealed record Access(bool Active, Guid AgencyId, string Role, bool Operator);

    private static string Key(Guid userId) => "staff-access:" + userId;

    public static void Forget(IMemoryCache cache, Guid userId) => cache.Remove(Key(userId));

    public async Task InvokeAsync(HttpContext context, HexDbContext db)
    {
        if (await CurrentAsync(context.User, db) is { } current && !ReferenceEquals(current, context.User))
        {
            context.User = current;
            // Authorization reads the authentication result when there is one; without it, it reads the user set here.
            context.Features.Set<IAuthenticateResultFeature>(null);
        }

        await next(context);
    }

    private async Task<ClaimsPrincipal?> CurrentAsync(ClaimsPrincipal principal, HexDbContext db)
    {
        if (principal.Identity is not { IsAuthenticated: true } identity
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            || principal.FindFirstValue(CurrentStaff.AgencyClaim) is not { } agency)
        {
            return null;
        }

        var access = await cache.GetOrCreateAsync(Key(userId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = options.Value.Recheck;
            return await db.StaffUsers.AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new Access(u.Active, u.AgencyId, u.Role.ToString(), u.Operator)).FirstOrDefaultAsync();
        });
        if (access is not { Active: true } || access.AgencyId.ToString() != agency)
        {
            return new ClaimsPrincipal(new ClaimsIdentity()); // no longer anyone: every staff endpoint answers 401
        }

        var role = principal.FindFirstValue(ClaimTypes.Role);
        var isOperator = principal.HasClaim(CurrentStaff.OperatorClaim, "true");
        if (role == access.Role && isOperator == access.Operator)
        {
            return principal;
        }

        var claims = principal.Claims.Where(c => c.Type != ClaimTypes.Role && c.Type != CurrentStaff.OperatorClaim).ToList();
        claims.Add(new Claim(ClaimTypes.Role, access.Role));
        if (access.Operator)
        {
            claims.Add(new Claim(CurrentStaff.OperatorClaim, "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, identity.AuthenticationType));
    }
}
