using System.Text.Json;
using HexProperty.Data.Model;

namespace HexProperty.Api.Contracts;

/// <summary>Queue a background job: its type ("export", "stats-rebuild"), the type's parameters, and a priority 0-9 (default 5).</summary>
public sealed record EnqueueJobRequest(string? Type, JsonElement? Parameters, int? Priority);

/// <summary>
/// A job as its owner sees it: status, progress (percent of rows, rows done, seconds left at the current rate), and
/// for a finished export the download link, size, SHA-256 and when the file is deleted.
/// </summary>
public sealed record JobView(
    Guid Id, string Type, JsonElement Parameters, int Priority, JobStatus Status, bool CancelRequested,
    double? Percent, long RowsDone, long? RowsTotal, double? SecondsLeft,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error,
    string? Download, string? FileName, long? Bytes, string? Sha256, DateTimeOffset? ExpiresAt);

public sealed record JobHistoryQuery(int? Limit, string? After, string? Type);

public sealed record NotificationView(Guid Id, string Kind, string Title, string Body, Guid? BookingId, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

public sealed record NotificationQuery(bool? Unread, int? Limit, string? After);

public sealed record NotificationSummary(int Unread);

public sealed record DeadLetterView(
    Guid Id, string Consumer, Guid? EventId, string Type, string Body, int Attempts, string Error, DateTimeOffset DeadAt, DateTimeOffset? ReplayedAt);

public sealed record DeadLetterQuery(string? Consumer, bool? Replayed, int? Limit, string? After);

public sealed record ScheduleView(
    string Name, int IntervalSeconds, DateTimeOffset NextDueAt, bool Running, string? RunningOn, DateTimeOffset? LastStartedAt,
    int? LastDurationMs, string? LastOutcome, string? LastError, string? LastDetail, long Runs, long Failures);
