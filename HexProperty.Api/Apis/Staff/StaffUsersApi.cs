using System.Security.Claims;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace HexProperty.Api.Apis.Staff;

/// <summary>An owner manages the agency's staff accounts and their roles.</summary>
public static class StaffUsersApi
{
    public static IEndpointRouteBuilder MapStaffUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/staff/users").WithTags("Staff").RequireAuthorization(StaffPolicies.Owner);
        users.MapGet("/", ListAsync).WithName("ListStaff")
            .WithSummary("The agency's staff accounts, by name.");
        users.MapPost("/", CreateAsync).Validate<NewStaffUser>().WithName("AddStaff")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Adds a staff account with a role.");
        users.MapPut("/{id:guid}", UpdateAsync).Validate<StaffUserUpdate>().WithName("UpdateStaff")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Changes a staff member's name, role or whether the account is active.");
        return app;
    }

    public static async Task<Ok<List<StaffUserView>>> ListAsync(ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var users = await db.StaffUsers.AsNoTracking().Where(u => u.AgencyId == agency).OrderBy(u => u.DisplayName).ThenBy(u => u.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(users.Select(StaffUserView.From).ToList());
    }

    public static async Task<Results<Created<StaffUserView>, ProblemHttpResult>> CreateAsync(
        NewStaffUser request, ClaimsPrincipal user, HexDbContext db, IPasswordHasher<StaffUser> passwords, TimeProvider time, CancellationToken cancellationToken)
    {
        var created = new StaffUser
        {
            Id = Guid.CreateVersion7(),
            AgencyId = CurrentStaff.From(user).AgencyId,
            Email = request.Email.Trim().ToLowerInvariant(),
            DisplayName = request.DisplayName.Trim(),
            Role = request.Role,
            PasswordHash = "",
            CreatedAt = time.GetUtcNow(),
        };
        created.PasswordHash = passwords.HashPassword(created, request.Password);
        db.StaffUsers.Add(created);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("email-taken", "The email is taken", "A staff account with this email already exists.");
        }

        return TypedResults.Created($"/api/staff/users/{created.Id}", StaffUserView.From(created));
    }

    public static async Task<Results<Ok<StaffUserView>, ProblemHttpResult>> UpdateAsync(
        Guid id, StaffUserUpdate request, ClaimsPrincipal user, HexDbContext db, IMemoryCache access, CancellationToken cancellationToken)
    {
        var me = CurrentStaff.From(user);
        var target = await db.StaffUsers.FirstOrDefaultAsync(u => u.Id == id && u.AgencyId == me.AgencyId, cancellationToken);
        if (target is null)
        {
            return Problems.NotFound("staff member with this id in your agency");
        }

        if (target.Id == me.UserId && (!request.Active || request.Role != StaffRole.Owner))
        {
            return Problems.Conflict("last-owner", "Not on yourself", "An owner cannot demote or deactivate their own account; another owner can.");
        }

        target.DisplayName = request.DisplayName.Trim();
        target.Role = request.Role;
        target.Active = request.Active;
        await db.SaveChangesAsync(cancellationToken);
        StaffAccess.Forget(access, target.Id); // at once here; other replicas within StaffAccessOptions.Recheck
        return TypedResults.Ok(StaffUserView.From(target));
    }
}
