using System.Diagnostics;
using Npgsql;

namespace HexProperty.Data.Persistence;

/// <summary>How the services' data sources trace their SQL.</summary>
public static class DatabaseTracing
{
    /// <summary>
    /// Traces a command only inside an operation that is traced itself (a request, a message, a job): background polls
    /// (the outbox relay every 100 ms, the job runner, the schedules) would otherwise each make a one-span trace and bury
    /// the ones a developer looks for.
    /// </summary>
    public static void OnlyWithinOperations(NpgsqlDataSourceBuilder dataSource) =>
        dataSource.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null));
}
