using System.Text.Json;
using System.Text.Json.Serialization;

namespace HexProperty.Data.Jobs;

/// <summary>The job types the Worker runs and their parameters, shared by the Api (which validates them) and the Worker.</summary>
public static class JobTypes
{
    /// <summary>An agency's bookings, payments or properties for a date range as CSV, optionally gzip.</summary>
    public const string Export = "export";

    /// <summary>Recomputes an agency's daily statistics for a date range (after an import, or to repair).</summary>
    public const string StatsRebuild = "stats-rebuild";

    public static readonly IReadOnlyList<string> All = [Export, StatsRebuild];

    /// <summary>Strict: a missing parameter or an unknown one (a typo) is an error, not a silent default.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };
}

/// <summary>What an export contains; each dataset's rows are filtered by one date of theirs.</summary>
public enum ExportDataset
{
    /// <summary>Bookings whose check-in falls in the range.</summary>
    Bookings,

    /// <summary>Payments taken in the range (UTC days).</summary>
    Payments,

    /// <summary>Properties created in the range (UTC days).</summary>
    Properties,
}

/// <summary>Parameters of an <see cref="JobTypes.Export"/> job: the days [From, To).</summary>
public sealed record ExportParameters(ExportDataset Dataset, DateOnly From, DateOnly To, bool Gzip = false)
{
    public string FileName(Guid jobId) => $"{Dataset.ToString().ToLowerInvariant()}-{From:yyyyMMdd}-{To:yyyyMMdd}-{jobId.ToString("N")[..8]}.csv{(Gzip ? ".gz" : "")}";
}

/// <summary>Parameters of a <see cref="JobTypes.StatsRebuild"/> job: the days [From, To).</summary>
public sealed record StatsRebuildParameters(DateOnly From, DateOnly To);

/// <summary>Where export files live and for how long. The Api (downloads) and the Worker (writes) must see the same folder.</summary>
public sealed class ExportStorageOptions
{
    public string Path { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hexproperty-exports");

    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}
