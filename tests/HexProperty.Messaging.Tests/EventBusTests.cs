using System.Collections.Concurrent;
using System.Text;
using HexProperty.Data.Messaging;
using HexProperty.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace HexProperty.Messaging.Tests;

/// <summary>The outbox, the relay and a consumer against real PostgreSQL and RabbitMQ.</summary>
[Collection(MessagingCollection.Name)]
public sealed class EventBusTests(MessagingFixture servers, ITestOutputHelper output)
{
    private static readonly IOptions<MessagingOptions> Options = Microsoft.Extensions.Options.Options.Create(new MessagingOptions
    {
        MaxAttempts = 3,
        RetryDelay = TimeSpan.FromMilliseconds(200),
        OutboxPollInterval = TimeSpan.FromMilliseconds(50),
    });

    [Fact]
    public async Task Events_written_to_the_outbox_are_published_in_order_and_handled_exactly_once()
    {
        var handler = new RecordingHandler();
        await using var bus = await Bus.StartAsync(servers, output, handler);

        var written = await WriteAsync(handler.Type, 300);

        await handler.WaitForAsync(300);
        Assert.Equal(written, handler.Ids); // in the order of the outbox
        // The relay marks an event sent once the broker confirms it, which can come after the consumer has handled it.
        await Eventually.TrueAsync(async () => await PendingAsync(written) == 0, "the relay did not mark every event sent");
    }

    [Fact]
    public async Task A_redelivered_event_is_acknowledged_without_running_again()
    {
        var handler = new RecordingHandler();
        await using var bus = await Bus.StartAsync(servers, output, handler, relay: false);
        var id = Guid.CreateVersion7();

        await PublishAsync(handler.Type, id);
        await PublishAsync(handler.Type, id); // what a relay that crashed before marking it sent would do

        await Eventually.TrueAsync(() => bus.Consumer.Duplicates == 1, () => $"{bus.Consumer.Duplicates} duplicates");
        Assert.Equal([id], handler.Ids);
        Assert.Equal(1, bus.Consumer.Handled);
    }

    [Fact]
    public async Task A_failing_event_is_retried_then_dead_lettered_and_the_queue_keeps_flowing()
    {
        var handler = new RecordingHandler();
        await using var bus = await Bus.StartAsync(servers, output, handler, relay: false);
        var poison = Guid.CreateVersion7();
        handler.FailFor.Add(poison);

        await PublishAsync(handler.Type, poison);
        var after = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var id in after)
        {
            await PublishAsync(handler.Type, id);
        }

        await handler.WaitForAsync(5); // those behind it were not blocked
        Assert.Equal(after, handler.Ids);
        var dead = await Eventually.ValueAsync(() => DeadLetterAsync(handler.Consumer), () => "no dead letter");
        Assert.Equal(poison, dead.EventId);
        Assert.Equal(3, dead.Attempts); // MaxAttempts
        Assert.Contains("always fails", dead.Error, StringComparison.Ordinal);
        Assert.Equal(3, handler.Attempts[poison]);
    }

    [Fact]
    public async Task A_replayed_dead_letter_reaches_only_its_consumer_once()
    {
        var handler = new RecordingHandler();
        var bystander = new RecordingHandler(handler.Type);
        await using var bus = await Bus.StartAsync(servers, output, handler);
        await using var other = await Bus.StartAsync(servers, output, bystander, relay: false);
        var flaky = Guid.CreateVersion7();
        handler.FailFor.Add(flaky);
        await PublishAsync(handler.Type, flaky);
        await bystander.WaitForAsync(1);
        var dead = await Eventually.ValueAsync(() => DeadLetterAsync(handler.Consumer), () => "no dead letter");

        handler.FailFor.Clear(); // the operator fixed the cause
        Assert.Equal(DeadLetters.ReplayOutcome.Replayed, await DeadLetters.ReplayAsync(servers.DataSource, dead.Id, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(DeadLetters.ReplayOutcome.AlreadyReplayed, await DeadLetters.ReplayAsync(servers.DataSource, dead.Id, DateTimeOffset.UtcNow, CancellationToken.None));

        await handler.WaitForAsync(1);
        Assert.Equal([flaky], handler.Ids);
        await Task.Delay(500); // time for a stray copy to reach the other consumer
        Assert.Equal([flaky], bystander.Ids); // it saw the event once, before the replay
        Assert.Equal(1, bystander.Attempts[flaky]);
    }

    [Fact]
    public async Task An_unreadable_message_is_dead_lettered_at_once_and_cannot_be_replayed()
    {
        var handler = new RecordingHandler();
        await using var bus = await Bus.StartAsync(servers, output, handler, relay: false);

        await using (var connection = await servers.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.BasicPublishAsync(Options.Value.Exchange, handler.Type, mandatory: false, new BasicProperties { MessageId = "not-an-id" }, "{}"u8.ToArray());
        }

        var dead = await Eventually.ValueAsync(() => DeadLetterAsync(handler.Consumer), () => "no dead letter");
        Assert.Equal(1, dead.Attempts);
        Assert.Null(dead.EventId);
        Assert.StartsWith("poison:", dead.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Ids);
        Assert.Equal(DeadLetters.ReplayOutcome.NotAnEvent, await DeadLetters.ReplayAsync(servers.DataSource, dead.Id, DateTimeOffset.UtcNow, CancellationToken.None));
    }

    [Fact]
    public async Task The_broker_killed_while_1000_events_are_written_delivers_every_event_exactly_once()
    {
        var handler = new RecordingHandler();
        await using var bus = await Bus.StartAsync(servers, output, handler);
        // RabbitMQ 3.10 notes a new quorum queue in its Ra directory, a dets table that writes to disk up to 3 s
        // later: a broker killed sooner forgets the queue's log. A deployed consumer's queue is older than that.
        await Task.Delay(TimeSpan.FromSeconds(4));

        var writing = Task.Run(() => WriteAsync(handler.Type, 1000, pause: TimeSpan.FromMilliseconds(5)));
        await handler.WaitForAsync(100);
        var killed = servers.KillBroker();
        await servers.WaitBrokerRestartedAsync(killed);
        var written = await writing;

        await handler.WaitForAsync(1000, TimeSpan.FromMinutes(2));
        Assert.Equal(written.Order(), handler.Ids.Order());
        await Eventually.TrueAsync(() => bus.Consumer.Handled >= 1000, () => $"{bus.Consumer.Handled} handled"); // counted after the last one's commit
        Assert.Equal(1000, bus.Consumer.Handled);
        await Eventually.TrueAsync(async () => await PendingAsync(written) == 0, "the relay did not mark every event sent");
        output.WriteLine($"broker restarted: 1000 events handled once each; {bus.Consumer.Duplicates} redeliveries absorbed by the inbox");
    }

    private async Task<List<Guid>> WriteAsync(string type, int count, TimeSpan? pause = null)
    {
        var ids = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            var id = Guid.CreateVersion7();
            await using var command = servers.DataSource.CreateCommand(
                "insert into outbox_messages (id, type, payload, occurred_at) values ($1, $2, $3::jsonb, now())");
            command.Parameters.AddWithValue(id);
            command.Parameters.AddWithValue(type);
            command.Parameters.AddWithValue($$"""{"n":{{i}}}""");
            await command.ExecuteNonQueryAsync();
            ids.Add(id);
            if (pause is { } delay)
            {
                await Task.Delay(delay);
            }
        }

        return ids;
    }

    private async Task<long> PendingAsync(List<Guid> ids)
    {
        await using var command = servers.DataSource.CreateCommand("select count(*) from outbox_messages where id = any($1) and sent_at is null");
        command.Parameters.AddWithValue(ids.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task PublishAsync(string type, Guid id)
    {
        await using var connection = await servers.ConnectAsync();
        await using var channel = await EventBusTopology.ConfirmingChannelAsync(connection, CancellationToken.None);
        await channel.BasicPublishAsync(Options.Value.Exchange, type, mandatory: true, new BasicProperties { MessageId = id.ToString(), Type = type }, Encoding.UTF8.GetBytes("{}"));
    }

    private sealed record DeadLetterRow(Guid Id, Guid? EventId, int Attempts, string Error);

    private async Task<DeadLetterRow?> DeadLetterAsync(string consumer)
    {
        await using var command = servers.DataSource.CreateCommand("select id, event_id, attempts, error from dead_letters where consumer = $1");
        command.Parameters.AddWithValue(consumer);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetInt32(2), reader.GetString(3)) : null;
    }

    /// <summary>A relay and a consumer as the Worker runs them, on their own broker connection.</summary>
    private sealed class Bus : IAsyncDisposable
    {
        private readonly IConnection _connection;
        private readonly OutboxRelay? _relay;

        private Bus(IConnection connection, EventConsumer consumer, OutboxRelay? relay)
        {
            _connection = connection;
            Consumer = consumer;
            _relay = relay;
        }

        public EventConsumer Consumer { get; }

        public static async Task<Bus> StartAsync(MessagingFixture servers, ITestOutputHelper output, IIntegrationEventHandler handler, bool relay = true)
        {
            var connection = await servers.ConnectAsync();
            connection.ConnectionShutdownAsync += (_, e) => TestOutput.WriteAsync(output, $"connection closed: {e.ReplyCode} {e.ReplyText}");
            connection.RecoverySucceededAsync += (_, _) => TestOutput.WriteAsync(output, "connection recovered");
            var consumer = new EventConsumer(handler, servers.DataSource, () => connection, Options, TimeProvider.System, new TestOutputLogger<EventConsumer>(output));
            await consumer.StartAsync(CancellationToken.None);
            OutboxRelay? outbox = null;
            if (relay)
            {
                outbox = new OutboxRelay(servers.DataSource, () => connection, Options, TimeProvider.System, new TestOutputLogger<OutboxRelay>(output));
                await outbox.StartAsync(CancellationToken.None);
            }

            return new Bus(connection, consumer, outbox);
        }

        public async ValueTask DisposeAsync()
        {
            if (_relay is not null)
            {
                await _relay.StopAsync(CancellationToken.None);
                _relay.Dispose();
            }

            await Consumer.StopAsync(CancellationToken.None);
            Consumer.Dispose();
            await _connection.DisposeAsync();
        }
    }

    /// <summary>Records the events it handled, in order; fails every attempt of the ids in <see cref="FailFor"/>.</summary>
    private sealed class RecordingHandler(string? type = null) : IIntegrationEventHandler
    {
        private readonly List<Guid> _ids = [];

        public string Type { get; } = type ?? "test." + Guid.NewGuid().ToString("N")[..12] + ".ping";

        public string Consumer { get; } = "tests." + Guid.NewGuid().ToString("N")[..12];

        public IReadOnlyList<string> Bindings => [Type];

        public HashSet<Guid> FailFor { get; } = [];

        public ConcurrentDictionary<Guid, int> Attempts { get; } = new();

        public List<Guid> Ids
        {
            get
            {
                lock (_ids)
                {
                    return [.. _ids];
                }
            }
        }

        public Task HandleAsync(IncomingEvent incoming, CancellationToken cancellationToken)
        {
            Attempts.AddOrUpdate(incoming.Id, 1, (_, n) => n + 1);
            if (FailFor.Contains(incoming.Id))
            {
                throw new InvalidOperationException("this event always fails");
            }

            lock (_ids)
            {
                _ids.Add(incoming.Id);
            }

            return Task.CompletedTask;
        }

        public async Task WaitForAsync(int count, TimeSpan? timeout = null)
        {
            using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
            while (Ids.Count < count)
            {
                await Task.Delay(20, cancel.Token);
            }
        }
    }
}
