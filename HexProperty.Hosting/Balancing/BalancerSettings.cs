namespace HexProperty.Hosting.Balancing;

/// <summary>How the balancer picks a replica for a new request or session (seed 001's algorithms).</summary>
public enum BalancingAlgorithm
{
    /// <summary>Each replica in turn (HAProxy <c>roundrobin</c>).</summary>
    RoundRobin,

    /// <summary>The replica with the fewest requests in flight (<c>leastconn</c>).</summary>
    LeastConnections,

    /// <summary>Round robin in proportion to <see cref="BalancerSettings.Weights"/>.</summary>
    Weighted,

    /// <summary>A hash of the client's address, so one client keeps its replica while the set of replicas is stable (<c>source</c>).</summary>
    SourceHash,
}

/// <summary>
/// One balanced service's settings, bound from the AppHost's configuration section <c>Balancing:{name}</c>
/// (<c>--Balancing:api:Replicas=3</c>, <c>--Balancing:api:Algorithm=LeastConnections</c>...). The health check defaults
/// are seed 001's: every 5 s, down after 3 failures, up again after 2 successes.
/// </summary>
public sealed class BalancerSettings
{
    public const string SectionName = "Balancing";

    /// <summary>How many processes of the project run behind the balancer.</summary>
    public int Replicas { get; set; } = 2;

    public BalancingAlgorithm Algorithm { get; set; } = BalancingAlgorithm.RoundRobin;

    /// <summary>For <see cref="BalancingAlgorithm.Weighted"/>: one weight (1-256) per replica, in order; missing ones are 1.</summary>
    public int[] Weights { get; set; } = [];

    /// <summary>The path of the active health check, which must answer 2xx or 3xx.</summary>
    public string HealthPath { get; set; } = "/health";

    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failed checks before a replica is taken out.</summary>
    public int Fall { get; set; } = 3;

    /// <summary>Consecutive passed checks before a replica that was out takes traffic again.</summary>
    public int Rise { get; set; } = 2;

    /// <summary>
    /// Passive checks: consecutive failed connections on live traffic that take a replica out at once, without waiting
    /// for the active checks (HAProxy <c>observe layer4</c>).
    /// </summary>
    public int ErrorLimit { get; set; } = 3;

    /// <summary>
    /// How long a replica that comes back (restarted, or its checks passing again) takes to get its full share of new
    /// requests, ramped up from a sixteenth (HAProxy <c>slowstart</c>), so its cold caches, pools and code fill under
    /// part of the load; zero gives the full share at once. No effect on <see cref="BalancingAlgorithm.SourceHash"/>.
    /// </summary>
    public TimeSpan SlowStart { get; set; }

    /// <summary>When set, a cookie keeps a browser on the replica that served it, for this long (HAProxy <c>cookie ... maxlife</c>).</summary>
    public TimeSpan? StickyFor { get; set; }

    /// <summary>The name of the stickiness cookie.</summary>
    public string StickyCookie { get; set; } = "hex-replica";

    /// <summary>
    /// With <see cref="StickyFor"/>: what every replica answers alike, balanced without the cookie, so it is never pinned
    /// and never sets the cookie. An entry starting with <c>/</c> is a path prefix (<c>/photos/</c>), one starting with
    /// <c>.</c> a file extension (<c>.css</c>).
    /// </summary>
    public string[] AnyReplicaPaths { get; set; } = [];

    /// <summary>Size in megabytes of the edge cache for anonymous, cacheable answers; 0 turns it off.</summary>
    public int CacheMegabytes { get; set; }

    /// <summary>Longest time an entry stays in the edge cache, whatever the origin's Cache-Control allows.</summary>
    public TimeSpan CacheMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks the settings, naming the first bad one.</summary>
    public void Validate(string name)
    {
        string? problem = Replicas is < 1 or > 64 ? "Replicas must be 1-64"
            : Weights.Any(w => w is < 1 or > 256) ? "every weight must be 1-256"
            : Weights.Length > Replicas ? "there are more weights than replicas"
            : !HealthPath.StartsWith('/') || HealthPath.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? "HealthPath must be a path starting with /"
            : CheckInterval < TimeSpan.FromMilliseconds(100) ? "CheckInterval must be at least 100 ms"
            : SlowStart != TimeSpan.Zero && (SlowStart < TimeSpan.FromSeconds(1) || SlowStart > TimeSpan.FromHours(1)) ? "SlowStart must be 0 or 1 s to 1 h"
            : Fall < 1 || Rise < 1 || ErrorLimit < 1 ? "Fall, Rise and ErrorLimit must be at least 1"
            : StickyFor is { } sticky && sticky < TimeSpan.FromSeconds(1) ? "StickyFor must be at least 1 s"
            : StickyCookie.Length == 0 || !StickyCookie.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? "StickyCookie must be letters, digits, - and _"
            : AnyReplicaPaths.Any(p => p.Length < 2 || p[0] is not ('/' or '.') || p.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\'' or '#' or '\\'))
                ? "every AnyReplicaPaths entry must be a path prefix (/...) or an extension (.css) without spaces, quotes or #"
            : CacheMegabytes is < 0 or > 4095 ? "CacheMegabytes must be 0-4095"
            : CacheMaxAge < TimeSpan.FromSeconds(1) ? "CacheMaxAge must be at least 1 s"
            : null;
        if (problem is not null)
        {
            throw new InvalidOperationException($"{SectionName}:{name}: {problem}.");
        }
    }

    internal int WeightOf(int replica) => replica < Weights.Length ? Weights[replica] : 1;
}
