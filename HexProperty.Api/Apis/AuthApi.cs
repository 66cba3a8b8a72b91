using System.Security.Claims;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HexProperty.Api.Apis;

/// <summary>
/// Staff sign in with email and password and receive a bearer token (the framework's BearerToken handler, valid one
/// hour) and a refresh token (14 days). Wrong passwords never lock an account (anyone who knows an email could lock its
/// owner out); the rate limiter throttles sign-in attempts per client address instead (<see cref="AbuseLimits"/>). An
/// unknown or deactivated email costs the same password hashing as a known one, so timing tells nothing either.
/// </summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Staff");
        auth.MapPost("/sign-in", SignInAsync).Validate<SignInRequest>().RequireRateLimiting(AbuseLimits.SignIn)
            .WithName("SignIn").Produces<Microsoft.AspNetCore.Authentication.BearerToken.AccessTokenResponse>().WithSummary("Exchanges email and password for a bearer token.");
        auth.MapPost("/refresh", RefreshAsync).RequireRateLimiting(AbuseLimits.Refresh)
            .WithName("RefreshToken").Produces<Microsoft.AspNetCore.Authentication.BearerToken.AccessTokenResponse>().WithSummary("Exchanges a refresh token for a new bearer token, if the account is still active.");
        app.MapGet("/api/staff/me", Me).RequireAuthorization(StaffPolicies.Staff)
            .WithName("Me").WithTags("Staff").WithSummary("The signed-in staff member.");
        return app;
    }

    public static async Task<Results<SignInHttpResult, ProblemHttpResult>> SignInAsync(
        SignInRequest request, HexDbContext db, IPasswordHasher<StaffUser> passwords, CancellationToken cancellationToken)
    {
        var email = request.Email.Trim().ToLowerInvariant();
        var user = await db.StaffUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
        // Always one verification of the same cost: against the user's hash, or a stand-in's when there is no such user.
        var verified = passwords.VerifyHashedPassword(user ?? StandIn.User, user?.PasswordHash ?? StandIn.Hash(passwords), request.Password)
            != PasswordVerificationResult.Failed;
        if (!verified || user is not { Active: true })
        {
            // One answer whether the email exists, is deactivated, or the password is wrong.
            return TypedResults.Problem(detail: "The email or password is wrong.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", type: Problems.TypeBase + "sign-in-failed");
        }

        return TypedResults.SignIn(CurrentStaff.Principal(user, BearerTokenDefaults.AuthenticationScheme), authenticationScheme: BearerTokenDefaults.AuthenticationScheme);
    }

    /// <summary>A user no one can be, with a hash made by the same hasher (so of the same cost) as every real one.</summary>
    private static class StandIn
    {
        public static readonly StaffUser User = new() { Email = "", DisplayName = "", PasswordHash = "" };
        private static string? _hash;

        public static string Hash(IPasswordHasher<StaffUser> passwords) =>
            _hash ??= passwords.HashPassword(User, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
    }

    public static async Task<Results<SignInHttpResult, ValidationProblem, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, HexDbContext db, IOptionsMonitor<BearerTokenOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken) || request.RefreshToken.Length > 4096)
        {
            return Problems.Invalid("refreshToken", "is required");
        }

        var ticket = options.Get(BearerTokenDefaults.AuthenticationScheme).RefreshTokenProtector.Unprotect(request.RefreshToken);
        var id = ticket?.Principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (ticket?.Properties.ExpiresUtc is not { } expires || expires < time.GetUtcNow() || !Guid.TryParse(id, out var userId))
        {
            return TypedResults.Problem(detail: "The refresh token is not valid or has expired; sign in again.", statusCode: StatusCodes.Status401Unauthorized, title: "Refresh failed", type: Problems.TypeBase + "refresh-failed");
        }

        var user = await db.StaffUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && u.Active, cancellationToken);
        return user is null
            ? TypedResults.Problem(detail: "The account is no longer active.", statusCode: StatusCodes.Status401Unauthorized, title: "Refresh failed", type: Problems.TypeBase + "refresh-failed")
            : TypedResults.SignIn(CurrentStaff.Principal(user, BearerTokenDefaults.AuthenticationScheme), authenticationScheme: BearerTokenDefaults.AuthenticationScheme);
    }

    public static async Task<Results<Ok<StaffUserView>, ProblemHttpResult>> Me(ClaimsPrincipal principal, HexDbContext db, CancellationToken cancellationToken)
    {
        var staff = CurrentStaff.From(principal);
        var user = await db.StaffUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Id == staff.UserId && u.AgencyId == staff.AgencyId, cancellationToken);
        return user is null ? Problems.NotFound("staff member") : TypedResults.Ok(StaffUserView.From(user));
    }
}
