using FluentValidation;

namespace HexProperty.Api.Contracts;

/// <summary>What Alertmanager's webhook sends (version 4): the alerts of one group, each firing or resolved. Only the
/// fields the Api stores are read. <c>endsAt</c> stays text: a firing alert's is Go's zero time, year 1, which is "none"
/// here and no date the input guard would let through.</summary>
public sealed record AlertmanagerNotification(string? Version, string? Status, IReadOnlyList<AlertmanagerAlert>? Alerts);

public sealed record AlertmanagerAlert(
    string? Status, IReadOnlyDictionary<string, string>? Labels, IReadOnlyDictionary<string, string>? Annotations,
    DateTimeOffset? StartsAt, string? EndsAt, string? Fingerprint)
{
    /// <summary>When it resolved, if Alertmanager says (a time after the start).</summary>
    public DateTimeOffset? ResolvedAt => Time(EndsAt) is { } at && at > StartsAt ? at : null;

    /// <summary>An RFC 3339 time as Alertmanager writes it, or null.</summary>
    public static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

public sealed class AlertmanagerNotificationValidator : AbstractValidator<AlertmanagerNotification>
{
    public const int MaxAlerts = 1000;

    public AlertmanagerNotificationValidator()
    {
        RuleFor(n => n.Alerts).NotNull().Must(a => a!.Count is > 0 and <= MaxAlerts).WithMessage($"must hold 1 to {MaxAlerts} alerts");
        RuleForEach(n => n.Alerts).ChildRules(alert =>
        {
            alert.RuleFor(a => a.Status).Must(s => s is "firing" or "resolved").WithMessage("must be 'firing' or 'resolved'");
            alert.RuleFor(a => a.Fingerprint).NotEmpty().MaximumLength(64);
            alert.RuleFor(a => a.Labels).NotNull().Must(l => l!.TryGetValue("alertname", out var name) && name.Length is > 0 and <= 200)
                .WithMessage("must hold an alertname of 1 to 200 characters");
            // Prometheus' label names; values may hold any text (a description spans lines) but NUL, which PostgreSQL refuses.
            alert.RuleFor(a => a.Labels).Must(l => l!.Count <= 50 && l.All(p => IsLabelName(p.Key) && p.Value.Length <= 1000 && !p.Value.Contains('\0', StringComparison.Ordinal)))
                .When(a => a.Labels is not null).WithMessage("may hold at most 50 labels, each named like a Prometheus label, with a value of at most 1000 characters and no NUL");
            alert.RuleFor(a => a.Annotations).Must(l => l!.Count <= 20 && l.All(p => IsLabelName(p.Key) && p.Value.Length <= 4000 && !p.Value.Contains('\0', StringComparison.Ordinal)))
                .When(a => a.Annotations is not null).WithMessage("may hold at most 20 annotations, each named like a Prometheus label, with a value of at most 4000 characters and no NUL");
            alert.RuleFor(a => a.StartsAt).NotNull();
            alert.RuleFor(a => a.EndsAt).Must(e => AlertmanagerAlert.Time(e) is not null)
                .When(a => a.EndsAt is not null).WithMessage("must be an RFC 3339 time");
        });
    }

    private static bool IsLabelName(string name) =>
        name.Length is > 0 and <= 100 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}

/// <summary>An alert episode as operators see it: what fired, how bad, since when, whether it resolved and who acknowledged it.</summary>
public sealed record AlertView(
    Guid Id, string Name, string Severity, string Status, string Summary, IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset StartsAt, DateTimeOffset? ResolvedAt, DateTimeOffset ReceivedAt, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt);

/// <summary>Alerts newest first: <c>state</c> firing or resolved (default both), keyset paging.</summary>
public sealed record AlertQuery(string? State, int? Limit, string? After);

/// <summary>The operations page's charts over the last hour, read from Prometheus over every replica, and each
/// endpoint's figures now. <see cref="Unavailable"/> says why there are none.</summary>
public sealed record MonitoringView(
    string? Unavailable, DateTimeOffset From, int StepSeconds, IReadOnlyList<ChartView> Charts, IReadOnlyList<EndpointFigures> Endpoints);

/// <summary>One chart: series of values at <c>From + i * StepSeconds</c> (null where Prometheus has no sample).</summary>
public sealed record ChartView(string Id, string Title, string Unit, IReadOnlyList<SeriesView> Series);

public sealed record SeriesView(string Name, IReadOnlyList<double?> Values);

/// <summary>An endpoint over every replica of its service, over the last minute.</summary>
public sealed record EndpointFigures(
    string Service, string Method, string Route, double RequestsPerSecond, double? P50Ms, double? P95Ms, double? P99Ms, double? ErrorRatio);
