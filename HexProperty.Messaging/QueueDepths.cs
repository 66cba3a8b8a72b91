using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HexProperty.Messaging;

/// <summary>The consumers of integration events across services, so an operator's view can name every queue.</summary>
public static class KnownConsumers
{
    public const string Notifications = "worker.notifications";

    public static readonly IReadOnlyList<string> All = [Notifications];

    /// <summary>Each consumer's queue and its retry queue.</summary>
    public static IEnumerable<string> Queues => All.SelectMany(c => new[] { c, EventBusTopology.RetryQueue(c) });
}

/// <summary>How many messages wait in a queue and how many consumers it has, or why that could not be read.</summary>
public sealed record QueueDepth(string Queue, long? Messages, long? Consumers, string? Error);

/// <summary>
/// Reads queue depths with a passive declare on a short-lived connection: for an operator's page, which must answer
/// even when the broker does not (each queue then says why), and without a standing connection in the reading service.
/// </summary>
public static class QueueDepths
{
    public static async Task<IReadOnlyList<QueueDepth>> ReadAsync(string amqpUri, IEnumerable<string> queues, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var names = queues.ToList();
        var factory = new ConnectionFactory
        {
            Uri = new Uri(amqpUri),
            ClientProvidedName = "queue-depths",
            RequestedConnectionTimeout = timeout,
            AutomaticRecoveryEnabled = false,
        };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        IConnection connection;
        try
        {
            connection = await factory.CreateConnectionAsync(deadline.Token);
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            return [.. names.Select(n => new QueueDepth(n, null, null, "broker unreachable"))];
        }

        await using (connection)
        {
            var depths = new List<QueueDepth>(names.Count);
            foreach (var name in names)
            {
                // A passive declare of a missing queue closes the channel, so each queue gets its own.
                await using var channel = await connection.CreateChannelAsync(cancellationToken: deadline.Token);
                try
                {
                    var queue = await channel.QueueDeclarePassiveAsync(name, deadline.Token);
                    depths.Add(new QueueDepth(name, queue.MessageCount, queue.ConsumerCount, null));
                }
                catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
                {
                    depths.Add(new QueueDepth(name, null, null, "not declared yet (its consumer has not started)"));
                }
            }

            await connection.CloseAsync(cancellationToken: CancellationToken.None);
            return depths;
        }
    }
}
