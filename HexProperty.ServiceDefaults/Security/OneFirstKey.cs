using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HexProperty.ServiceDefaults.Security;

/// <summary>A lock every replica of a service can take, held while the first data-protection key is made.</summary>
public interface IKeyRingLock
{
    Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Makes sure replicas that share a key repository start with one key between them. Data protection creates its first
/// key lazily, and replicas started together each find the repository empty and each create their own; every replica
/// then caches only its own key for up to a day, so a token, cookie or antiforgery token protected by one is refused by
/// another (seen on a fresh system: every other bearer token answered 401). Before the server listens, this takes the
/// replicas' lock, and creates the first key only if no active key exists; the others then read that key.
/// </summary>
public sealed partial class OneFirstKey(IKeyManager keys, IKeyRingLock ringLock, IOptions<KeyManagementOptions> options, TimeProvider time, ILogger<OneFirstKey> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The repository is out of reach (the database is down): the service still starts and answers what it can;
            // data protection makes its key on first use, as it would without this.
            LogUnchecked(logger, e.Message);
        }
    }

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (HasActiveKey())
        {
            return;
        }

        await using var held = await ringLock.AcquireAsync(cancellationToken);
        if (HasActiveKey())
        {
            return; // another replica made it while this one waited
        }

        var now = time.GetUtcNow();
        var key = keys.CreateNewKey(now, now + options.Value.NewKeyLifetime);
        LogCreated(logger, key.KeyId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private bool HasActiveKey()
    {
        var now = time.GetUtcNow();
        return keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not make sure of one first data-protection key, starting anyway: {Reason}")]
    private static partial void LogUnchecked(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first data-protection key {KeyId} for every replica")]
    private static partial void LogCreated(ILogger logger, Guid keyId);
}

/// <summary>An exclusive lock file in the shared keys folder (the operating system's file lock, released with the process).</summary>
public sealed class FileKeyRingLock(string folder) : IKeyRingLock
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(50);

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, ".first-key.lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(RetryEvery, cancellationToken); // another replica holds it
            }
        }
    }
}

public static class OneFirstKeyExtensions
{
    /// <summary>Replicas sharing this key repository start with one key between them, made under <paramref name="ringLock"/>.</summary>
    public static IDataProtectionBuilder WithOneFirstKey(this IDataProtectionBuilder builder, Func<IServiceProvider, IKeyRingLock> ringLock)
    {
        builder.Services.AddSingleton(ringLock);
        builder.Services.TryAddSingleton(TimeProvider.System);
        // First of the hosted services, which a host starts in the order they were added: data protection's own
        // (added with AddDataProtection) loads the key ring before the server starts, which makes a key when the folder
        // is empty, outside the lock. CI once found two keys between two Web replicas started together; this was the
        // one way around the lock that reading the startup showed.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, OneFirstKey>());
        return builder;
    }
}
