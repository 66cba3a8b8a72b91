using System.Security.Claims;
using HexProperty.Api.Bookings;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Caching;
using HexProperty.Data.Caching;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;

namespace HexProperty.Api.Apis.Staff;

/// <summary>
/// Owner and maintenance blocks close a unit's nights. A block takes its nights in unit_occupancy like a booking, so
/// it cannot overlap a booking or another block: the database refuses, and the answer names what is in the way.
/// </summary>
public static class StaffBlocksApi
{
    public static IEndpointRouteBuilder MapStaffBlocksApi(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/api/staff").WithTags("Staff catalogue").RequireAuthorization(StaffPolicies.Staff);
        staff.MapGet("/units/{unitId:guid}/blocks", ListAsync).WithName("ListBlocks")
            .WithSummary("A unit's blocks (closed dates), by start date.");
        staff.MapPost("/units/{unitId:guid}/blocks", CreateAsync).Validate<BlockRequest>().RequireAuthorization(StaffPolicies.Catalogue).WithName("CreateBlock")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Closes a unit's dates for the owner's use or maintenance.");
        staff.MapGet("/blocks/{id:guid}", GetAsync).WithName("GetBlock")
            .WithSummary("One block of the agency.");
        staff.MapPut("/blocks/{id:guid}", UpdateAsync).Validate<BlockRequest>().RequireAuthorization(StaffPolicies.Catalogue).WithName("UpdateBlock")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Moves or changes a block.");
        staff.MapDelete("/blocks/{id:guid}", DeactivateAsync).RequireAuthorization(StaffPolicies.Catalogue)
            .WithName("DeactivateBlock").WithSummary("Reopens the block's nights.");
        return app;
    }

    public static async Task<Results<Ok<List<BlockView>>, ProblemHttpResult>> ListAsync(Guid unitId, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        if (!await db.Units.AnyAsync(u => u.Id == unitId && u.AgencyId == agency, cancellationToken))
        {
            return Problems.NotFound("unit with this id in your agency");
        }

        var blocks = await db.Blocks.AsNoTracking().Where(b => b.UnitId == unitId && b.AgencyId == agency)
            .OrderBy(b => b.Start).ThenBy(b => b.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(blocks.Select(BlockView.From).ToList());
    }

    public static async Task<Results<Created<BlockView>, ProblemHttpResult>> CreateAsync(
        Guid unitId, BlockRequest request, ClaimsPrincipal user, HexDbContext db, Occupancy occupancy, HybridCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        if (!await db.Units.AnyAsync(u => u.Id == unitId && u.AgencyId == agency, cancellationToken))
        {
            return Problems.NotFound("unit with this id in your agency");
        }

        var block = new Block
        {
            Id = Guid.CreateVersion7(),
            UnitId = unitId,
            AgencyId = agency,
            Kind = request.Kind,
            Start = request.Start,
            End = request.End,
            Note = request.Note?.Trim() ?? "",
            CreatedAt = time.GetUtcNow(),
        };
        await occupancy.ExpireLapsedHoldsAsync(unitId, block.Start, block.End, time.GetUtcNow(), cancellationToken);
        db.Blocks.Add(block);
        db.UnitOccupancy.Add(new UnitOccupancy { UnitId = unitId, BlockId = block.Id, CheckIn = block.Start, CheckOut = block.End });
        return await SaveOrConflictAsync(db, occupancy, cache, time, block, () => TypedResults.Created($"/api/staff/blocks/{block.Id}", BlockView.From(block)), cancellationToken);
    }

    public static async Task<Results<Ok<BlockView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, HexDbContext db, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var block = await db.Blocks.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id && b.AgencyId == agency, cancellationToken);
        return block is null ? Problems.NotFound("block with this id in your agency") : TypedResults.Ok(BlockView.From(block));
    }

    public static async Task<Results<Ok<BlockView>, ProblemHttpResult>> UpdateAsync(
        Guid id, BlockRequest request, ClaimsPrincipal user, HexDbContext db, Occupancy occupancy, HybridCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var block = await db.Blocks.FirstOrDefaultAsync(b => b.Id == id && b.AgencyId == agency, cancellationToken);
        if (block is null)
        {
            return Problems.NotFound("block with this id in your agency");
        }

        var before = (block.Start, block.End, block.Active);
        block.Kind = request.Kind;
        block.Start = request.Start;
        block.End = request.End;
        block.Note = request.Note?.Trim() ?? "";
        block.Active = true;
        await occupancy.ExpireLapsedHoldsAsync(block.UnitId, block.Start, block.End, time.GetUtcNow(), cancellationToken);
        var taken = await db.UnitOccupancy.FirstOrDefaultAsync(o => o.BlockId == block.Id, cancellationToken);
        if (taken is null)
        {
            db.UnitOccupancy.Add(new UnitOccupancy { UnitId = block.UnitId, BlockId = block.Id, CheckIn = block.Start, CheckOut = block.End });
        }
        else
        {
            taken.CheckIn = block.Start;
            taken.CheckOut = block.End;
        }

        // The nights it held before are freed too (if it held any).
        (DateOnly Start, DateOnly End)? freed = before.Active ? (before.Start, before.End) : null;
        return await SaveOrConflictAsync(db, occupancy, cache, time, block, () => TypedResults.Ok(BlockView.From(block)), cancellationToken, freed);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeactivateAsync(Guid id, ClaimsPrincipal user, HexDbContext db, HybridCache cache, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var block = await db.Blocks.FirstOrDefaultAsync(b => b.Id == id && b.AgencyId == agency, cancellationToken);
        if (block is null)
        {
            return Problems.NotFound("block with this id in your agency");
        }

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            block.Active = false;
            await db.UnitOccupancy.Where(o => o.BlockId == block.Id).ExecuteDeleteAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
        await InvalidateNightsAsync(db, cache, block.UnitId, (block.Start, block.End));
        return TypedResults.NoContent();
    }

    private static async Task<Results<TSuccess, ProblemHttpResult>> SaveOrConflictAsync<TSuccess>(
        HexDbContext db, Occupancy occupancy, HybridCache cache, TimeProvider time, Block block, Func<TSuccess> success, CancellationToken cancellationToken,
        (DateOnly Start, DateOnly End)? freed = null)
        where TSuccess : IResult
    {
        var strategy = db.Database.CreateExecutionStrategy();
        var saved = await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await Occupancy.LockUnitAsync(db, block.UnitId, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (Occupancy.IsOverlap(e))
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        });
        if (saved)
        {
            await InvalidateNightsAsync(db, cache, block.UnitId, (block.Start, block.End), freed);
            return success();
        }

        var taken = await occupancy.OverlappingAsync(block.UnitId, block.Start, block.End, time.GetUtcNow(), cancellationToken, exceptBlock: block.Id);
        return Problems.Conflict("dates-unavailable", "The nights are taken", Occupancy.Describe(taken), Occupancy.ConflictExtensions(taken));
    }

    /// <summary>A block changed which nights of the unit are free: its property's calendar and the searches of those weeks are stale.</summary>
    private static async Task InvalidateNightsAsync(HexDbContext db, HybridCache cache, Guid unitId, params (DateOnly Start, DateOnly End)?[] ranges)
    {
        var place = await db.Units.Where(u => u.Id == unitId).Select(u => new { u.PropertyId, u.Property!.City, u.Property.Country }).FirstAsync(CancellationToken.None);
        await cache.InvalidateAfterWriteAsync(ranges.OfType<(DateOnly Start, DateOnly End)>()
            .SelectMany(r => CacheTags.OccupancyChanged(place.PropertyId, place.City, place.Country, r.Start, r.End)).Distinct());
    }
}
