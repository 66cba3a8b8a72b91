using HexProperty.ServiceDefaults.Telemetry;

namespace HexProperty.Web.Api;

// The Api's JSON as the site reads it. Enums travel as their names (the Api writes them with JsonStringEnumConverter), so
// the site keeps them as strings and does not depend on the Api's assemblies: the HTTP contract is the only coupling.

public sealed record PlatformStatus(string Service, string? Instance, DependencyStatus Database, DependencyStatus Cache, string? TraceId);

public sealed record DependencyStatus(bool Reachable, string Detail, double RoundTripMs);

public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

public sealed record PropertySummary(
    Guid Id, string Name, string Type, string City, string Country, decimal Latitude, decimal Longitude,
    decimal FromNightlyRate, string Currency, IReadOnlyList<string> Amenities, string? Photo, decimal? StayTotal, string CancellationPolicy);

public sealed record PropertyDetails(
    Guid Id, string Name, string Description, string Type, string AddressLine, string City, string Country,
    decimal Latitude, decimal Longitude, IReadOnlyList<string> Amenities, IReadOnlyList<string> Photos,
    string CancellationPolicy, string Currency, string TimeZone, IReadOnlyList<UnitSummary> Units);

public sealed record UnitSummary(Guid Id, string Name, int Capacity, int Bedrooms, decimal BaseNightlyRate, decimal CleaningFee, int MinNights, int MaxNights);

public sealed record AvailabilityCalendar(Guid PropertyId, DateOnly From, DateOnly To, IReadOnlyList<UnitCalendar> Units);

public sealed record UnitCalendar(Guid UnitId, string Name, int MinNights, int MaxNights, IReadOnlyList<OccupiedStay> Unavailable)
{
    public bool IsTaken(DateOnly night) => Unavailable.Any(s => s.CheckIn <= night && night < s.CheckOut);
}

public sealed record OccupiedStay(DateOnly CheckIn, DateOnly CheckOut, string Reason);

public sealed record PriceQuote(
    string Currency, DateOnly CheckIn, DateOnly CheckOut, int Guests, IReadOnlyList<NightPrice> Nights, decimal NightsSubtotal,
    QuoteDiscount? Discount, decimal CleaningFee, IReadOnlyList<QuoteTax> Taxes, decimal Total);

public sealed record NightPrice(DateOnly Date, decimal Price, string? Season, bool Weekend);

public sealed record QuoteDiscount(string Name, decimal Percent, decimal Amount);

public sealed record QuoteTax(string Name, decimal Amount);

public sealed record BookingView(
    string Reference, string Status, Guid PropertyId, Guid UnitId, DateOnly CheckIn, DateOnly CheckOut, int Guests,
    DateTimeOffset? HoldExpiresAt, PriceQuote Quote, decimal Total, string Currency, GuestView Guest, PaymentView? Payment, RefundView? Refund);

public sealed record GuestView(string FullName, string Email, string? Phone);

public sealed record PaymentView(Guid Id, decimal Amount, string Currency, string Method, string Status, string? CardLast4, DateTimeOffset CreatedAt);

public sealed record RefundView(decimal Amount, string Currency, int Percent, string Reason, DateTimeOffset CreatedAt);

public sealed record SignInTokens(string AccessToken, long ExpiresIn, string RefreshToken);

public sealed record StaffUserView(Guid Id, string Email, string DisplayName, string Role, bool Active, DateTimeOffset CreatedAt);

public sealed record PropertyView(
    Guid Id, string Name, string Description, string Type, string AddressLine, string City, string Country, decimal Latitude, decimal Longitude,
    IReadOnlyList<string> Amenities, IReadOnlyList<string> Photos, string Status, string CancellationPolicy, string Currency,
    string TimeZone, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record UnitView(
    Guid Id, Guid PropertyId, string Name, int Capacity, int Bedrooms, decimal BaseNightlyRate, decimal CleaningFee, int MinNights, int MaxNights, bool Active);

public sealed record RateRuleView(
    Guid Id, Guid UnitId, string Kind, string Name, DateOnly? StartDate, DateOnly? EndDate, decimal? NightlyPrice, decimal? Percent,
    int? MinNights, decimal? AmountPerGuestNight, int Priority, bool Active);

public sealed record BlockView(Guid Id, Guid UnitId, string Kind, DateOnly Start, DateOnly End, string Note, bool Active);

public sealed record StaffBookingRow(
    Guid Id, string Reference, string Status, Guid PropertyId, Guid UnitId, DateOnly CheckIn, DateOnly CheckOut, int Guests,
    decimal Total, string Currency, string GuestName, string GuestEmail, string Source, DateTimeOffset CreatedAt);

/// <summary>A property photo as staff see it (Status: Processing, Ready or Failed).</summary>
public sealed record PhotoView(Guid Id, Guid PropertyId, int Position, string Status, string Sha256, int OriginalBytes, string? Error, DateTimeOffset CreatedAt);

public sealed record StaffPaymentRow(
    Guid Id, Guid BookingId, string BookingReference, decimal Amount, string Currency, string Method, string Status,
    string? CardLast4, decimal Refunded, DateTimeOffset CreatedAt);

public sealed record DashboardKpis(
    long NightsAvailable, long NightsSold, decimal Revenue, double Occupancy, decimal Adr, decimal RevPar,
    int ArrivalsHeld, int ArrivalsConfirmed, int ArrivalsCompleted, int ArrivalsCancelled, int ArrivalsExpired);

public sealed record DashboardDay(DateOnly Day, long NightsAvailable, long NightsSold, decimal Revenue, double Occupancy);

public sealed record AgencyDashboard(DateOnly From, DateOnly To, Guid? PropertyId, int Units, DashboardKpis Totals, IReadOnlyList<DashboardDay> Days, DateTimeOffset? ComputedAt);

public sealed record JobView(
    Guid Id, string Type, System.Text.Json.JsonElement Parameters, int Priority, string Status, bool CancelRequested,
    double? Percent, long RowsDone, long? RowsTotal, double? SecondsLeft,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error,
    string? Download, string? FileName, long? Bytes, string? Sha256, DateTimeOffset? ExpiresAt)
{
    public bool Finished => Status is "Succeeded" or "Failed" or "Cancelled";

    public string Describe(string name) =>
        Parameters.ValueKind == System.Text.Json.JsonValueKind.Object && Parameters.TryGetProperty(name, out var value) ? value.ToString() : "";
}

public sealed record NotificationView(Guid Id, string Kind, string Title, string Body, Guid? BookingId, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

public sealed record NotificationSummary(int Unread);

public sealed record DeadLetterView(
    Guid Id, string Consumer, Guid? EventId, string Type, string Body, int Attempts, string Error, DateTimeOffset DeadAt, DateTimeOffset? ReplayedAt);

public sealed record ScheduleView(
    string Name, int IntervalSeconds, DateTimeOffset NextDueAt, bool Running, string? RunningOn, DateTimeOffset? LastStartedAt,
    int? LastDurationMs, string? LastOutcome, string? LastError, string? LastDetail, long Runs, long Failures);

public sealed record OpsOverview(
    string? Instance, DateTimeOffset At, CacheStatistics Cache, IReadOnlyList<BreakerView> Breakers,
    IReadOnlyList<QueueDepth> Queues, IReadOnlyList<JobRunSummary> Jobs, DatabaseSection<SlowStatement> SlowStatements, DatabaseSection<UnusedIndex> UnusedIndexes,
    ReplicationView Replication);

public sealed record ReplicationView(string ReadsFrom, long ReadsOnStandby, long ReadsOnPrimary, long StandbyBehind, DatabaseSection<StandbyLag> Standbys, PoolView Pool);

public sealed record StandbyLag(string Name, string State, double? ReplayLagMs, long? BytesBehind);

public sealed record PoolView(int MaxConnections, double IdleLifetimeSeconds, double StatementTimeoutSeconds, double CommandTimeoutSeconds);

public sealed record CacheStatistics(bool Enabled, bool RedisConfigured, bool RedisConnected, long LocalEntries, long LocalBytes, IReadOnlyList<CacheProfileStatistics> Profiles);

public sealed record CacheProfileStatistics(
    string Profile, long LocalHits, long LocalMisses, long DistributedHits, long DistributedMisses, long FactoryCalls, long FactoryFailures, long StaleServed, double HitRatio);

public sealed record BreakerView(string Name, string State);

public sealed record QueueDepth(string Queue, long? Messages, long? Consumers, string? Error);

public sealed record JobRunSummary(string Type, string Status, int Count, double? AverageSeconds);

public sealed record DatabaseSection<T>(IReadOnlyList<T> Rows, string? Unavailable);

public sealed record SlowStatement(string Query, long Calls, double MeanMs, double TotalMs, long Rows);

public sealed record UnusedIndex(string Table, string Index, long SizeBytes);

/// <summary>One staff change from the agency's audit trail; before and after hold the fields (for a change, those that changed).</summary>
public sealed record AuditEntryView(
    Guid Id, DateTimeOffset At, Guid ActorId, string ActorName, string Action, string Entity, Guid EntityId,
    System.Text.Json.JsonElement? Before, System.Text.Json.JsonElement? After);

public sealed record AlertView(
    Guid Id, string Name, string Severity, string Status, string Summary, IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset StartsAt, DateTimeOffset? ResolvedAt, DateTimeOffset ReceivedAt, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt);

public sealed record MonitoringView(
    string? Unavailable, DateTimeOffset From, int StepSeconds, IReadOnlyList<ChartView> Charts, IReadOnlyList<EndpointFigures> Endpoints);

public sealed record ChartView(string Id, string Title, string Unit, IReadOnlyList<SeriesView> Series);

public sealed record SeriesView(string Name, IReadOnlyList<double?> Values);

public sealed record EndpointFigures(
    string Service, string Method, string Route, double RequestsPerSecond, double? P50Ms, double? P95Ms, double? P99Ms, double? ErrorRatio);
