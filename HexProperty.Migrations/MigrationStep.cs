using System.Diagnostics;
using HexProperty.Data.Persistence;

namespace HexProperty.Migrations;

/// <summary>Applies what is missing, as one traced operation, then stops the host; a failure sets exit code 1.</summary>
internal sealed class MigrationStep(MigrationRunner runner, IHostApplicationLifetime lifetime, ILogger<MigrationStep> logger) : BackgroundService
{
    public static readonly ActivitySource Source = new("HexProperty.Migrations");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = Source.StartActivity("apply migrations");
        try
        {
            var applied = await runner.ApplyAsync(stoppingToken);
            activity?.SetTag("hexproperty.migrations.applied", applied.Count);
            logger.LogInformation("Database is up to date ({Applied} migrations applied now, {Known} known)", applied.Count, MigrationRunner.Migrations.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            logger.LogCritical(e, "Migrations failed; the Api and the Worker will not start");
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
