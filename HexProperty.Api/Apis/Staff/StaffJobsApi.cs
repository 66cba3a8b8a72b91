using System.Security.Claims;
using System.Text.Json;
using HexProperty.Api.Contracts;
using HexProperty.Api.Identity;
using HexProperty.Api.Infrastructure;
using HexProperty.Data.Jobs;
using HexProperty.Data.Model;
using HexProperty.Data.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HexProperty.Api.Apis.Staff;

/// <summary>
/// Background jobs: a staff member queues one (an export, a statistics rebuild), follows its progress, cancels it,
/// downloads what it produced, and lists the jobs they started. The Worker runs them (JobRunner).
/// </summary>
public static class StaffJobsApi
{
    /// <summary>Unfinished jobs a user may have at once, so one user cannot fill the queue.</summary>
    public const int MaxUnfinishedPerUser = 5;

    public static IEndpointRouteBuilder MapStaffJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/staff/jobs").WithTags("Staff jobs").RequireAuthorization(StaffPolicies.Staff);
        jobs.MapPost("/", EnqueueAsync).WithName("EnqueueJob")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Queues a background job (an export, a statistics rebuild) for the Worker.");
        jobs.MapGet("/", HistoryAsync).WithName("ListJobs")
            .WithSummary("The staff member's jobs, newest first.");
        jobs.MapGet("/{id:guid}", GetAsync).WithName("GetJob")
            .WithSummary("One job: its state and progress.");
        jobs.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelJob")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Asks a queued or running job to stop.");
        jobs.MapGet("/{id:guid}/file", DownloadAsync).WithName("DownloadJobFile")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv", additionalContentTypes: "application/gzip")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("Downloads a finished export's file.");
        return app;
    }

    public static async Task<Results<Accepted<JobView>, ValidationProblem, ProblemHttpResult>> EnqueueAsync(
        EnqueueJobRequest request, ClaimsPrincipal user, HexDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var staff = CurrentStaff.From(user);
        if (request.Priority is < 0 or > 9)
        {
            return Problems.Invalid("priority", "must be between 0 and 9");
        }

        var parameters = ValidateParameters(request.Type, request.Parameters, staff);
        if (parameters.Invalid is { } invalid)
        {
            return invalid;
        }

        if (parameters.Forbidden is { } forbidden)
        {
            return forbidden;
        }

        var job = new Job
        {
            Id = Guid.CreateVersion7(),
            AgencyId = staff.AgencyId,
            UserId = staff.UserId,
            Type = request.Type!,
            Parameters = parameters.Json!,
            Priority = (short)(request.Priority ?? 5),
            Status = JobStatus.Queued,
            CreatedAt = time.GetUtcNow(),
        };
        var unfinished = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            // Counted under the user's lock, so parallel requests by one user take turns and the limit holds.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await TransactionLock.AcquireAsync(db, "user-jobs", staff.UserId.ToString(), cancellationToken);
            var count = await db.Jobs.CountAsync(j => j.UserId == staff.UserId && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running), cancellationToken);
            if (count >= MaxUnfinishedPerUser)
            {
                return count;
            }

            db.Jobs.Add(job);
            await db.SaveChangesAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("select pg_notify('jobs_queued', '')", cancellationToken); // wakes a waiting Worker when this commits
            await transaction.CommitAsync(cancellationToken);
            return count;
        });
        if (unfinished >= MaxUnfinishedPerUser)
        {
            return Problems.Conflict("too-many-jobs", "Too many jobs in progress", $"You have {unfinished} jobs queued or running; wait for one to finish or cancel one.");
        }

        return TypedResults.Accepted($"/api/staff/jobs/{job.Id}", View(job, time.GetUtcNow()));
    }

    private readonly record struct CheckedParameters(string? Json, ValidationProblem? Invalid, ProblemHttpResult? Forbidden);

    /// <summary>Reads the type's parameters strictly and checks them; the Worker runs only what passed here.</summary>
    private static CheckedParameters ValidateParameters(string? type, JsonElement? parameters, CurrentStaff staff)
    {
        if (type is null || !JobTypes.All.Contains(type))
        {
            return new(null, Problems.Invalid("type", $"must be one of: {string.Join(", ", JobTypes.All)}"), null);
        }

        if (parameters is not { ValueKind: JsonValueKind.Object } json)
        {
            return new(null, Problems.Invalid("parameters", "must be an object with the job type's parameters"), null);
        }

        try
        {
            switch (type)
            {
                case JobTypes.Export:
                    var export = json.Deserialize<ExportParameters>(JobTypes.Json);
                    return export is null ? new(null, Problems.Invalid("parameters", "are missing"), null)
                        : CheckRange(export.From, export.To, 3660) is { } badRange ? new(null, badRange, null)
                        : !Enum.IsDefined(export.Dataset) ? new(null, Problems.Invalid("parameters.dataset", "must be bookings, payments or properties"), null)
                        : new(JsonSerializer.Serialize(export, JobTypes.Json), null, null);
                default:
                    if (staff.Role == StaffRole.Agent)
                    {
                        return new(null, null, Problems.Forbidden("Rebuilding statistics needs a manager or an owner."));
                    }

                    var rebuild = json.Deserialize<StatsRebuildParameters>(JobTypes.Json);
                    return rebuild is null ? new(null, Problems.Invalid("parameters", "are missing"), null)
                        : CheckRange(rebuild.From, rebuild.To, 1830) is { } badRebuild ? new(null, badRebuild, null)
                        : new(JsonSerializer.Serialize(rebuild, JobTypes.Json), null, null);
            }
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path ? "parameters." + path[2..] : "parameters";
            return new(null, Problems.Invalid(field, e.Message.Contains("missing required", StringComparison.OrdinalIgnoreCase) ? "is missing a required property: " + e.Message : "has a value of the wrong type or format"), null);
        }
    }

    private static ValidationProblem? CheckRange(DateOnly from, DateOnly to, int maxDays) =>
        from == default ? Problems.Invalid("parameters.from", "is required (yyyy-MM-dd)")
        : to == default ? Problems.Invalid("parameters.to", "is required (yyyy-MM-dd)")
        : to <= from ? Problems.Invalid("parameters.to", "must be after from (the range is [from, to))")
        : to.DayNumber - from.DayNumber > maxDays ? Problems.Invalid("parameters.to", $"the range may span at most {maxDays} days")
        : null;

    public static async Task<Results<Ok<Page<JobView>>, ValidationProblem>> HistoryAsync(
        [AsParameters] JobHistoryQuery query, ClaimsPrincipal user, HexDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (KeysetCursor.CheckTimePage(query.Limit, query.After, out var cursor) is { } invalid)
        {
            return invalid;
        }

        var staff = CurrentStaff.From(user);
        var jobs = db.Jobs.AsNoTracking().Where(j => j.UserId == staff.UserId);
        if (query.Type is { } type)
        {
            jobs = jobs.Where(j => j.Type == type);
        }

        if (cursor?.Time is { } at)
        {
            jobs = jobs.Where(j => j.CreatedAt < at || (j.CreatedAt == at && j.Id.CompareTo(cursor.Id) < 0));
        }

        var take = query.Limit ?? 20;
        var rows = await jobs.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(take + 1).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var next = rows.Count > take ? KeysetCursor.At(rows[take - 1].CreatedAt, rows[take - 1].Id).Encode() : null;
        return TypedResults.Ok(new Page<JobView>([.. rows.Take(take).Select(j => View(j, now))], next));
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, HexDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id && j.AgencyId == agency, cancellationToken);
        return job is null ? Problems.NotFound("job with this id in your agency") : TypedResults.Ok(View(job, time.GetUtcNow()));
    }

    /// <summary>A queued job is cancelled at once; a running one is asked to stop, which the Worker sees within a second.</summary>
    public static async Task<Results<Accepted<JobView>, ProblemHttpResult>> CancelAsync(Guid id, ClaimsPrincipal user, HexDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var staff = CurrentStaff.From(user);
        var now = time.GetUtcNow();
        var job = await db.Jobs.FirstOrDefaultAsync(j => j.Id == id && j.AgencyId == staff.AgencyId, cancellationToken);
        if (job is null)
        {
            return Problems.NotFound("job with this id in your agency");
        }

        if (job.UserId != staff.UserId && staff.Role != StaffRole.Owner)
        {
            return Problems.Forbidden("Only the staff member who started a job, or an owner, may cancel it.");
        }

        // One conditional update, so a job the Worker just finished is not marked cancelled after the fact.
        var changed = await db.Jobs.Where(j => j.Id == id && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
            .ExecuteUpdateAsync(
                set => set
                    .SetProperty(j => j.CancelRequested, true)
                    .SetProperty(j => j.FinishedAt, j => j.Status == JobStatus.Queued ? now : j.FinishedAt)
                    .SetProperty(j => j.Status, j => j.Status == JobStatus.Queued ? JobStatus.Cancelled : j.Status),
                cancellationToken);
        await db.Entry(job).ReloadAsync(cancellationToken);
        return changed == 0
            ? Problems.Conflict("job-finished", "The job has finished", $"The job ended {job.Status}; there is nothing to cancel.")
            : TypedResults.Accepted($"/api/staff/jobs/{job.Id}", View(job, now));
    }

    /// <summary>The job's file, for its agency only, until it expires; Repr-Digest carries its SHA-256.</summary>
    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> DownloadAsync(
        Guid id, ClaimsPrincipal user, HexDbContext db, IOptions<ExportStorageOptions> storage, HttpContext http, CancellationToken cancellationToken)
    {
        var agency = CurrentStaff.From(user).AgencyId;
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id && j.AgencyId == agency, cancellationToken);
        if (job is null)
        {
            return Problems.NotFound("job with this id in your agency");
        }

        if (job.Status != JobStatus.Succeeded || job.ResultSha256 is null)
        {
            return Problems.Conflict("no-file", "No file yet", $"The job is {job.Status}; a file is there once it has succeeded.");
        }

        var root = Path.GetFullPath(storage.Value.Path) + Path.DirectorySeparatorChar;
        if (job.ResultFile is not { } file || !File.Exists(file) || !Path.GetFullPath(file).StartsWith(root, StringComparison.Ordinal))
        {
            return TypedResults.Problem(
                detail: $"The file was deleted {job.ExpiresAt:yyyy-MM-dd HH:mm} UTC after its retention period; run the export again.",
                statusCode: StatusCodes.Status410Gone, title: "The file has expired", type: Problems.TypeBase + "file-expired");
        }

        http.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(job.ResultSha256))}:";
        var name = Path.GetFileName(file);
        return TypedResults.PhysicalFile(file, name.EndsWith(".gz", StringComparison.Ordinal) ? "application/gzip" : "text/csv; charset=utf-8", name, enableRangeProcessing: true);
    }

    public static JobView View(Job job, DateTimeOffset now)
    {
        double? percent = job.Status == JobStatus.Succeeded ? 100.0
            : job.RowsTotal is > 0 and var total ? Math.Min(100.0, Math.Round(100.0 * job.RowsDone / total, 1))
            : job.RowsTotal == 0 ? 100.0 : null;
        double? left = null;
        if (job.Status == JobStatus.Running && job.StartedAt is { } started && job.RowsDone > 0 && job.RowsTotal is { } rows && rows >= job.RowsDone)
        {
            left = Math.Round((now - started).TotalSeconds / job.RowsDone * (rows - job.RowsDone), 1);
        }

        var hasFile = job.Status == JobStatus.Succeeded && job.ResultFile is not null;
        using var parameters = JsonDocument.Parse(job.Parameters);
        return new JobView(
            job.Id, job.Type, parameters.RootElement.Clone(), job.Priority, job.Status, job.CancelRequested, percent, job.RowsDone, job.RowsTotal, left,
            job.CreatedAt, job.StartedAt, job.FinishedAt, job.Error,
            hasFile ? $"/api/staff/jobs/{job.Id}/file" : null, hasFile ? Path.GetFileName(job.ResultFile) : null, job.ResultBytes, job.ResultSha256, job.ExpiresAt);
    }
}
