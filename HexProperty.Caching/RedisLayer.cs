using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace HexProperty.Caching;

/// <summary>
/// Every call the cache makes to Redis. Those a request may wait on have a short timeout and all sit behind one circuit
/// breaker, so a slow or dead Redis costs a request at most <see cref="HybridCacheOptions.RedisTimeout"/> and, once
/// the breaker opens, nothing. Those that bring a lost Redis back (<c>recovery: true</c>) run in the background with
/// <see cref="HybridCacheOptions.RecoveryTimeout"/>, and their success closes the breaker. Failures are counted and
/// reported as false/null, never thrown: Redis is an optimisation, not a dependency of any request.
/// </summary>
internal sealed class RedisLayer
{
    private readonly IConnectionMultiplexer _redis;
    private readonly CacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _recovery;
    private readonly CircuitBreakerStateProvider _breaker = new();
    private readonly CircuitBreakerManualControl _breakerControl = new();
    private readonly RedisKey _invalidationsKey;
    private readonly RedisKey _runKey;
    private readonly RedisChannel _channel;
    private readonly int _logPageSize; // entries of the invalidation log read per command

    private const string RecordScript = """
        for i = 1, #ARGV, 2 do
            local current = redis.call('ZSCORE', KEYS[1], ARGV[i])
            if not current or tonumber(current) < tonumber(ARGV[i + 1]) then
                redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i])
            end
        end
        return 1
        """;

    private const string RunScript = """
        local run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
        if redis.call('GET', KEYS[1]) == run then
            return 0
        end
        redis.call('SET', KEYS[1], run)
        return 1
        """;

    public RedisLayer(IConnectionMultiplexer redis, HybridCacheOptions options, CacheMetrics metrics, ILogger logger, int logPageSize = 500)
    {
        _logPageSize = logPageSize;
        _redis = redis;
        _metrics = metrics;
        _logger = logger;
        _invalidationsKey = options.KeyPrefix + "invalidations";
        _runKey = options.KeyPrefix + "invalidations:run";
        // The channel name carries the message format version, so nodes of two versions never misread each other.
        _channel = new RedisChannel(options.KeyPrefix + "backplane:v" + CacheBackplane.Version, RedisChannel.PatternMode.Literal);
        _pipeline = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutRejectedException>().Handle<TimeoutException>(),
                StateProvider = _breaker,
                ManualControl = _breakerControl,
                OnOpened = args =>
                {
                    BreakerOpened?.Invoke(args.Outcome.Exception?.Message ?? "too many failed calls");
                    return default;
                },
            })
            .AddTimeout(options.RedisTimeout)
            .Build();
        // Calls that bring a lost Redis back run in the background, outside the breaker, with a budget of their own.
        _recovery = new ResiliencePipelineBuilder().AddTimeout(options.RecoveryTimeout).Build();
        _redis.ConnectionFailed += (_, e) => ConnectionFailed?.Invoke($"{e.ConnectionType} connection to {e.EndPoint} failed: {e.FailureType}");
        _redis.ConnectionRestored += (_, _) => ConnectionRestored?.Invoke();
    }

    /// <summary>Raised when the breaker opens, with the last failure.</summary>
    public event Action<string>? BreakerOpened;

    public event Action<string>? ConnectionFailed;

    public event Action? ConnectionRestored;

    public CircuitState BreakerState => _breaker.CircuitState;

    /// <summary>Both connections up: commands and the backplane subscription.</summary>
    public bool IsConnected => _redis.IsConnected && _redis.GetSubscriber().IsConnected(_channel);

    public async Task<(bool Available, byte[]? Value)> GetAsync(string key)
    {
        var (ok, value) = await CallAsync("get", static (db, key) => db.StringGetAsync(key), (RedisKey)key);
        return (ok, ok && !value.IsNull ? (byte[]?)value : null);
    }

    public async Task<bool> SetAsync(string key, byte[] envelope, TimeSpan timeToLive) =>
        timeToLive > TimeSpan.Zero
        && (await CallAsync("set", static (db, state) => db.StringSetAsync(state.key, state.envelope, state.timeToLive), (key: (RedisKey)key, envelope, timeToLive))).Ok;

    public async Task<bool> DeleteAsync(RedisKey[] keys) =>
        keys.Length == 0 || (await CallAsync("delete", static (db, keys) => db.KeyDeleteAsync(keys), keys)).Ok;

    /// <summary>
    /// Records invalidations in the sorted set every node loads when it starts or comes back. A score only ever
    /// grows: a replayed or late invalidation never hides a newer one.
    /// </summary>
    public async Task<bool> RecordAsync(IReadOnlyList<Invalidation> invalidations, bool recovery = false)
    {
        var arguments = invalidations.SelectMany(i => new RedisValue[] { i.Member, i.At }).ToArray();
        return (await CallAsync("record", static (db, state) => db.ScriptEvaluateAsync(RecordScript, [state.key], state.arguments), (key: _invalidationsKey, arguments), recovery)).Ok;
    }

    /// <summary>
    /// Whether the invalidation log may be incomplete: Redis restarted since the log was last taken over (it came
    /// back from a snapshot, or empty), so invalidations made after its last save are lost, while entries saved
    /// before them may be back. Answers true once per Redis run; the caller then invalidates everything.
    /// </summary>
    public async Task<bool?> IsNewRunAsync()
    {
        var (ok, result) = await CallAsync("run", static (db, key) => db.ScriptEvaluateAsync(RunScript, [key]), _runKey, recovery: true);
        return ok ? (long)result == 1 : null;
    }

    /// <summary>
    /// Invalidations newer than <paramref name="since"/>; older ones are deleted, nothing cached can predate them.
    /// Read in pages of <c>logPageSize</c> (500): Redis serves one command at a time, and a day's log in one reply
    /// (6,289 entries: 7 ms idle, 134-335 ms on a loaded machine) held up every other client's calls past their
    /// timeout, which opened their breakers, whose reconnects read the log again (bench/README.md).
    /// </summary>
    public async Task<IReadOnlyList<Invalidation>?> ReadInvalidationsAsync(long since)
    {
        await CallAsync("prune", static (db, state) => db.SortedSetRemoveRangeByScoreAsync(state.key, double.NegativeInfinity, state.since, Exclude.Stop), (key: _invalidationsKey, since), recovery: true);
        var log = new List<Invalidation>();
        var (from, exclude) = ((double)since, Exclude.None);
        while (true)
        {
            var (ok, page) = await CallAsync("load", static (db, state) => db.SortedSetRangeByScoreWithScoresAsync(
                state.key, state.from, double.PositiveInfinity, state.exclude, take: state.size), (key: _invalidationsKey, from, exclude, size: _logPageSize), recovery: true);
            if (!ok)
            {
                return null;
            }

            if (page.Length < _logPageSize)
            {
                Add(page);
                return log;
            }

            // The next page starts after the last score read, so every entry at that score is read here, however many
            // share it. A score only grows, and a grown one is ahead of this read: nothing is skipped.
            var last = page[^1].Score;
            Add(page.Where(e => e.Score < last));
            var (tieRead, tie) = await CallAsync("load", static (db, state) => db.SortedSetRangeByScoreWithScoresAsync(state.key, state.last, state.last), (key: _invalidationsKey, last), recovery: true);
            if (!tieRead)
            {
                return null;
            }

            Add(tie);
            (from, exclude) = (last, Exclude.Start);
        }

        void Add(IEnumerable<SortedSetEntry> entries) =>
            log.AddRange(entries.Select(e => Invalidation.FromMember(e.Element!, (long)e.Score)).OfType<Invalidation>());
    }

    public async Task<bool> PublishAsync(byte[] message, bool recovery = false) =>
        (await CallAsync("publish", static (_, state) => state.subscriber.PublishAsync(state.channel, state.message), (subscriber: _redis.GetSubscriber(), channel: _channel, message), recovery)).Ok;

    public Task SubscribeAsync(Action<byte[]> handler) =>
        _redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => handler((byte[])message!));

    /// <summary>A round trip on the recovery budget: whether Redis answers at all.</summary>
    public async Task<bool> PingAsync() => (await CallAsync("ping", static (db, _) => db.PingAsync(), 0, recovery: true)).Ok;

    /// <summary>Closes the breaker once recovery has shown Redis answers, so requests use it again at once.</summary>
    public Task CloseBreakerAsync() => _breakerControl.CloseAsync();

    private async Task<(bool Ok, TResult Value)> CallAsync<TState, TResult>(string operation, Func<IDatabase, TState, Task<TResult>> call, TState state, bool recovery = false)
    {
        try
        {
            var value = await (recovery ? _recovery : _pipeline).ExecuteAsync(
                static async (context, token) => await context.call(context.db, context.state).WaitAsync(token),
                (call, db: _redis.GetDatabase(), state),
                CancellationToken.None);
            return (true, value);
        }
        catch (Exception e) when (e is RedisException or TimeoutRejectedException or TimeoutException or BrokenCircuitException)
        {
            _metrics.RedisError(operation);
            _logger.LogDebug("Redis {Operation} failed: {Error}", operation, e.Message);
            return (false, default!);
        }
    }
}
