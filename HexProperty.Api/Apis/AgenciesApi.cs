using HexProperty.Api.Contracts;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HexProperty.Api.Apis;

/// <summary>An agency signs up: the agency and its owner's staff account, in one step.</summary>
public static class AgenciesApi
{
    public static IEndpointRouteBuilder MapAgenciesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/agencies", SignUpAsync).Validate<AgencySignUp>().RequireRateLimiting(AbuseLimits.SignUp)
            .WithName("SignUpAgency")
            .ProducesProblem(StatusCodes.Status409Conflict).WithTags("Staff").WithSummary("Creates an agency and its owner, who can then sign in.");
        return app;
    }

    public static async Task<Results<Created<AgencyView>, ValidationProblem, ProblemHttpResult>> SignUpAsync(
        AgencySignUp request, HexDbContext db, IPasswordHasher<StaffUser> passwords, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var agency = new Agency { Id = Guid.CreateVersion7(), Name = request.AgencyName.Trim(), CreatedAt = now };
        var owner = new StaffUser
        {
            Id = Guid.CreateVersion7(),
            AgencyId = agency.Id,
            Email = request.Email.Trim().ToLowerInvariant(),
            DisplayName = request.OwnerName.Trim(),
            Role = StaffRole.Owner,
            PasswordHash = "",
            CreatedAt = now,
        };
        owner.PasswordHash = passwords.HashPassword(owner, request.Password);
        db.Agencies.Add(agency);
        db.StaffUsers.Add(owner);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("email-taken", "The email is taken", "A staff account with this email already exists. Sign in, or use another email.");
        }

        return TypedResults.Created($"/api/staff/agency", new AgencyView(agency.Id, agency.Name, agency.CreatedAt));
    }
}
