using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// Publishes every change of every resource instance, and lets callers wait for a resource to reach a state:
/// the AppHost's own wait-for logic, the console, the tests and the dashboard all read from here.
/// </summary>
public sealed class ResourceNotificationService
{
    private readonly ConcurrentDictionary<string, ResourceSnapshot> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string[]> _instancesByResource = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _declarationOrder = new(StringComparer.Ordinal);
    private readonly Lock _subscribersGate = new();
    private readonly List<Channel<ResourceSnapshot>> _subscribers = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>The resources in declaration order.</summary>
    public IReadOnlyList<string> ResourceNames => [.. _instancesByResource.Keys.OrderBy(_declarationOrder.GetValueOrDefault)];

    internal void Register(string resourceName, string resourceType, IReadOnlyList<string> instanceNames)
    {
        _declarationOrder.TryAdd(resourceName, _declarationOrder.Count);
        _instancesByResource[resourceName] = [.. instanceNames];
        foreach (var instance in instanceNames)
        {
            Publish(new ResourceSnapshot(resourceName, instance, resourceType));
        }
    }

    internal void Publish(ResourceSnapshot snapshot)
    {
        _instances[snapshot.InstanceName] = snapshot;
        lock (_subscribersGate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(snapshot);
            }
        }

        Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
    }

    /// <summary>The current snapshot of each instance of a resource.</summary>
    public IReadOnlyList<ResourceSnapshot> GetInstances(string resourceName) =>
        _instancesByResource.TryGetValue(resourceName, out var names)
            ? [.. names.Select(n => _instances[n])]
            : throw new ArgumentException($"The application has no resource named '{resourceName}'.", nameof(resourceName));

    public IReadOnlyList<ResourceSnapshot> GetAll() => [.. ResourceNames.SelectMany(GetInstances)];

    /// <summary>Waits until every instance of the resource is running and its health checks pass.</summary>
    public Task WaitForResourceHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(resourceName, instances => instances.All(i => i.IsHealthy), cancellationToken);

    /// <summary>Waits until the instances of the resource satisfy <paramref name="condition"/>; returns them.</summary>
    public async Task<IReadOnlyList<ResourceSnapshot>> WaitForResourceAsync(
        string resourceName, Func<IReadOnlyList<ResourceSnapshot>, bool> condition, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            // Take the signal before reading, so a change between the read and the wait is never missed.
            var changed = _changed.Task;
            var instances = GetInstances(resourceName);
            if (condition(instances))
            {
                return instances;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Every change from now on, starting with the current state of every instance.</summary>
    public async IAsyncEnumerable<ResourceSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<ResourceSnapshot>(new UnboundedChannelOptions { SingleReader = true });
        lock (_subscribersGate)
        {
            foreach (var snapshot in GetAll())
            {
                channel.Writer.TryWrite(snapshot);
            }

            _subscribers.Add(channel);
        }

        try
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return snapshot;
            }
        }
        finally
        {
            lock (_subscribersGate)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
