using System.Diagnostics;
using System.Text;
using HexProperty.Messaging;
using HexProperty.Seed;
using Npgsql;
using RabbitMQ.Client;
using static HexProperty.Bench.Bench;

namespace HexProperty.Bench;

/// <summary>
/// N events through the running system's outbox relay (written to outbox_messages in one transaction, published with
/// confirms, marked sent), beside the same N messages published here straight to the broker with no database: one by
/// one, each awaiting its confirm; and pipelined, with as many in flight as the relay allows (the ceiling). All land
/// in a queue of their own, removed afterwards; the pipelined run checks that the order held.
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
            var oneByOne = await RawPublishAsync(connection, options, events, window: 1, cancellationToken);
            await setup.QueuePurgeAsync(Queue, cancellationToken);
            var pipelined = await RawPublishAsync(connection, options, events, options.OutboxPublishWindow, cancellationToken);
            var inOrder = await ArrivedInOrderAsync(connection, events, cancellationToken);
            await setup.QueuePurgeAsync(Queue, cancellationToken);
            var relayed = await ThroughOutboxAsync(dataSource, events, cancellationToken);
            var queued = await setup.MessageCountAsync(Queue, cancellationToken);

            Console.WriteLine();
            Console.WriteLine("| path | events | seconds | events/s | share of pipelined publishing |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine(Format($"| raw publish, {options.OutboxPublishWindow} in flight (ceiling) | {events:N0} | {pipelined:0.00} | {events / pipelined:N0} | 1.00 |"));
            Console.WriteLine(Format($"| raw publish, each confirm awaited before the next | {events:N0} | {oneByOne:0.00} | {events / oneByOne:N0} | {pipelined / oneByOne:0.00} |"));
            Console.WriteLine(Format($"| outbox: commit to all marked sent | {events:N0} | {relayed:0.00} | {events / relayed:N0} | {pipelined / relayed:0.00} |"));
            Console.WriteLine(Format($"  (pipelined publishes arrived in order: {inOrder}; the bench queue held {queued:N0} of the {events:N0} relayed events at the end)"));
            if (!inOrder)
            {
                return 1;
            }

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

    /// <summary>Publishes N messages with up to <paramref name="window"/> awaiting their confirms, as the relay does.</summary>
    private static async Task<double> RawPublishAsync(IConnection connection, MessagingOptions options, int events, int window, CancellationToken cancellationToken)
    {
        await using var channel = await EventBusTopology.ConfirmingChannelAsync(connection, cancellationToken);
        var progress = new ProgressLine(window == 1 ? "raw publish, one by one" : $"raw publish, {window} in flight", events, Console.Out);
        var inFlight = new Queue<Task>(window);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            if (inFlight.Count == window)
            {
                await inFlight.Dequeue();
            }

            var properties = new BasicProperties
            {
                MessageId = Guid.CreateVersion7().ToString(),
                Type = Type,
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
                Headers = new Dictionary<string, object?> { ["bench-index"] = i },
            };
            inFlight.Enqueue(channel.BasicPublishAsync(options.Exchange, Type, mandatory: false, properties, Payload, cancellationToken).AsTask());
            progress.Report(i + 1);
        }

        await Task.WhenAll(inFlight);
        progress.Done();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Reads the queue back and checks that the messages' indexes run 0, 1, 2... in order.</summary>
    private static async Task<bool> ArrivedInOrderAsync(IConnection connection, int events, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        for (var expected = 0; expected < events; expected++)
        {
            var delivery = await channel.BasicGetAsync(Queue, autoAck: true, cancellationToken);
            if (delivery?.BasicProperties.Headers?["bench-index"] is not int index || index != expected)
            {
                Console.WriteLine(Format($"  out of order at message {expected:N0}: got {delivery?.BasicProperties.Headers?["bench-index"] ?? "nothing"}"));
                return false;
            }
        }

        return true;
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
