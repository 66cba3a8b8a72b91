using Npgsql;

namespace HexProperty.Worker.Jobs;

/// <summary>
/// Wakes a waiting loop the moment the Api signals on a PostgreSQL channel (LISTEN/NOTIFY, sent when the Api's
/// transaction commits). A lost connection is opened again after <paramref name="retry"/>; the loop's own polling
/// covers what was signalled meanwhile.
/// </summary>
public static class ChannelWake
{
    public static async Task ListenAsync(NpgsqlDataSource dataSource, string channel, SemaphoreSlim wake, TimeSpan retry, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => wake.Release();
                await using (var listen = new NpgsqlCommand($"listen {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.IO.IOException)
            {
                await Task.Delay(retry, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
