using HexProperty.ServiceDefaults.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HexProperty.ServiceDefaults.Tests;

/// <summary>
/// Replicas sharing a key folder start with one data-protection key between them: without it, replicas started together
/// each made their own and refused each other's tokens and cookies.
/// </summary>
public sealed class OneFirstKeyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hexproperty-keys-").FullName;

    [Fact]
    public async Task Replicas_started_together_on_an_empty_key_folder_make_one_key_and_read_each_others_payloads()
    {
        var replicas = Enumerable.Range(0, 4).Select(_ => Replica()).ToList();

        // Each starts as its host does: every hosted service in the order they were added, data protection's own
        // (which loads the key ring, and would make a key in an empty folder) among them.
        await Task.WhenAll(replicas.Select(r => Task.Run(async () =>
        {
            foreach (var service in r.Hosted)
            {
                await service.StartAsync(CancellationToken.None);
            }
        })));

        // Then each serves its first request at once, as a balancer spreads a burst.
        var payloads = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.Protector.Protect("a staff cookie"))));

        // The guard starts first: data protection's own hosted service loads the key ring, making a key if none exists.
        Assert.All(replicas, r => Assert.IsType<OneFirstKey>(r.Hosted[0]));
        Assert.Single(Directory.GetFiles(_folder, "key-*.xml"));
        Assert.All(payloads, payload => Assert.All(replicas, to => Assert.Equal("a staff cookie", to.Protector.Unprotect(payload))));
    }

    [Fact]
    public async Task A_replica_starting_after_the_first_key_exists_makes_none()
    {
        await Replica().Guard.StartAsync(CancellationToken.None);
        var key = Assert.Single(Directory.GetFiles(_folder, "key-*.xml"));

        await Replica().Guard.StartAsync(CancellationToken.None);

        Assert.Equal(key, Assert.Single(Directory.GetFiles(_folder, "key-*.xml")));
    }

    [Fact]
    public async Task A_lock_out_of_reach_does_not_stop_the_start_and_protection_still_works()
    {
        var (guard, protector, _) = Replica(new UnreachableLock());

        await guard.StartAsync(CancellationToken.None); // the database is down: the service starts all the same

        Assert.Empty(Directory.GetFiles(_folder, "key-*.xml"));
        Assert.Equal("a staff cookie", protector.Unprotect(protector.Protect("a staff cookie")));
    }

    private sealed class UnreachableLock : IKeyRingLock
    {
        public Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Failed to connect to 127.0.0.1:1");
    }

    private (IHostedService Guard, IDataProtector Protector, IReadOnlyList<IHostedService> Hosted) Replica(IKeyRingLock? ringLock = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDataProtection().SetApplicationName("one-first-key-test").PersistKeysToFileSystem(new DirectoryInfo(_folder))
            .WithOneFirstKey(_ => ringLock ?? new FileKeyRingLock(_folder));
        var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        return (hosted.OfType<OneFirstKey>().Single(), provider.GetDataProtector("test"), hosted);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
