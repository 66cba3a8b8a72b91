using System.Diagnostics;
using System.Text;
using HexProperty.Messaging;
using HexProperty.Seed;
using Npgsql;
using RabbitMQ.Client;
using static HexProperty.Bench.Bench;

namespace HexProperty.Bench;

/// <summary>
/// N events through the running system's outbox relay (written to outbox_messages in one transaction, published one
/// by one with confirms, marked sent), beside the ceiling: the same N messages published here straight to the broker,
/// one by one with confirms, with no database. Both land in a queue of their own, removed afterwards.
/// </summary>
internal static class OutboxBench
{
    private const string Queue = "bench.outbox";
    private const string Type = "bench.outbox.ping";

    // The size of a booking.confirmed event.
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes(
        """{"bookingId":"0194d3f0-7a1c-7cc1-a5f4-2d9b8f0e6a11","reference":"HX7K2M9Q","agencyId":"0194d3f0-7a1c-7cc1-a5f4-2d9b8f0e6a12","propertyId":"0194d3f0-7a1c-7cc1-a5f4-2d9b8f0e6a13","guestEmail":"guest@example.test","checkIn":"2027-03-01","checkOut":"2027-03-05","total":812.40,"currency":"EUR"}""");

    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, string messaging, int events, CancellationToken cancellationToken)
    {
        var options = new MessagingOptions();
        await using var connection = await new ConnectionFactory { Uri = new Uri(messaging), ClientProvidedName = "hexproperty-bench" }.CreateConnectionAsync(cancellationToken);
        await using var setup = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await EventBusTopology.DeclareConsumerAsync(setup, options, Queue, ["bench.#"], cancellationToken);
        try
        {
            var raw = await RawPublishAsync(connection, options, events, cancellationToken);
            await setup.QueuePurgeAsync(Queue, cancellationToken);
            var relayed = await ThroughOutboxAsync(dataSource, events, cancellationToken);
            var queued = await setup.MessageCountAsync(Queue, cancellationToken);

            Console.WriteLine();
            Console.WriteLine("| path | events | seconds | events/s | share of raw publishing |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine(Format($"| raw publish, confirmed one by one (ceiling) | {events:N0} | {raw:0.00} | {events / raw:N0} | 1.00 |"));
            Console.WriteLine(Format($"| outbox: commit to all marked sent | {events:N0} | {relayed:0.00} | {events / relayed:N0} | {raw / relayed:0.00} |"));
            Console.WriteLine(Format($"  (the bench queue held {queued:N0} of the {events:N0} relayed events at the end)"));
            return queued == events ? 0 : 1;
        }
        finally
        {
            await setup.QueueDeleteAsync(Queue, cancellationToken: CancellationToken.None);
            await setup.QueueDeleteAsync(EventBusTopology.RetryQueue(Queue), cancellationToken: CancellationToken.None);
            await using var clean = dataSource.CreateCommand($"delete from outbox_messages where type = '{Type}'");
            await clean.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static async Task<double> RawPublishAsync(IConnection connection, MessagingOptions options, int events, CancellationToken cancellationToken)
    {
        await using var channel = await EventBusTopology.ConfirmingChannelAsync(connection, cancellationToken);
        var progress = new ProgressLine("raw publish", events, Console.Out);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            var properties = new BasicProperties
            {
                MessageId = Guid.CreateVersion7().ToString(),
                Type = Type,
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            };
            await channel.BasicPublishAsync(options.Exchange, Type, mandatory: false, properties, Payload, cancellationToken);
            progress.Report(i + 1);
        }

        progress.Done();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds from the commit of N events to the relay marking the last one sent (its own sent_at).</summary>
    private static async Task<double> ThroughOutboxAsync(NpgsqlDataSource dataSource, int events, CancellationToken cancellationToken)
    {
        DateTime committed;
        await using (var write = dataSource.CreateCommand($"""
            insert into outbox_messages (id, type, payload, occurred_at) select gen_random_uuid(), '{Type}', $1::jsonb, now() from generate_series(1, $2);
            """))
        {
            write.Parameters.AddWithValue(Encoding.UTF8.GetString(Payload));
            write.Parameters.AddWithValue(events);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var now = dataSource.CreateCommand("select clock_timestamp()"))
        {
            committed = (DateTime)(await now.ExecuteScalarAsync(cancellationToken))!;
        }

        var progress = new ProgressLine("outbox relay", events, Console.Out);
        await using var read = dataSource.CreateCommand($"select count(*) filter (where sent_at is not null), max(sent_at) from outbox_messages where type = '{Type}'");
        while (true)
        {
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                var sent = reader.GetInt64(0);
                progress.Report(sent);
                if (sent == events)
                {
                    progress.Done();
                    return (reader.GetDateTime(1) - committed).TotalSeconds;
                }
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
