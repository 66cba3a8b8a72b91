using System.Globalization;
using System.Text;

namespace HexProperty.Hosting.Balancing;

/// <summary>
/// Writes HAProxy's configuration for one balanced service. Addresses are not in the text: HAProxy reads them from the
/// environment (<c>"${HEX_SERVER_1}"</c>), which Aspire fills from the replicas' and the balancer's allocated
/// endpoints when it starts the process, so the file follows the model without knowing a port.
/// </summary>
internal static class HaproxyConfig
{
    public const string FrontendAddressVariable = "HEX_FRONTEND";
    public const string StatsAddressVariable = "HEX_STATS";

    public static string ServerAddressVariable(int replica) => $"HEX_SERVER_{replica + 1}";

    /// <summary>The configuration text for <paramref name="servers"/> (the replicas' resource names, in order).</summary>
    public static string Render(string name, BalancerSettings settings, IReadOnlyList<string> servers)
    {
        var s = new StringBuilder();
        void Line(string text = "") => s.Append(text).Append('\n');
        string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
        string Weight(int replica) => settings.Algorithm == BalancingAlgorithm.Weighted ? $" weight {settings.WeightOf(replica).ToString(CultureInfo.InvariantCulture)}" : "";

        // What every backend of the service does with a request: the algorithm, which failures are replayed, the edge cache.
        void Rules()
        {
            Line(settings.Algorithm switch
            {
                BalancingAlgorithm.LeastConnections => "    balance leastconn",
                BalancingAlgorithm.SourceHash => "    balance source\n    hash-type consistent",
                _ => "    balance roundrobin",
            });
            // A replayed write must not take effect twice: only reads and writes carrying an Idempotency-Key are retried
            // once the request has reached a replica (a connection that failed never delivered it, so that one is always retried).
            Line("    acl replay_safe method GET HEAD OPTIONS");
            Line("    acl replay_safe req.hdr(Idempotency-Key) -m found");
            Line("    http-request disable-l7-retry unless replay_safe");
            if (settings.CacheMegabytes > 0)
            {
                // Only what anyone may see: nothing signed in, nothing with a cookie. The origin's Cache-Control decides the rest.
                Line("    acl anonymous_read method GET HEAD");
                Line("    acl signed_in req.hdr(Authorization) -m found");
                Line("    acl signed_in req.hdr(Cookie) -m found");
                Line("    http-request cache-use edge if anonymous_read !signed_in");
                Line("    http-response cache-store edge");
            }
        }

        Line("# Written by the HexProperty AppHost at every start from its model: change the AppHost, not this file.");
        Line("global");
        Line("    log stdout format raw local0 info");
        // No maxconn: HAProxy derives it from the file descriptor limit it was given (a fixed one above that limit refuses to start).
        // L7 retries copy the request into one buffer: requests up to this size can be replayed on another replica.
        Line("    tune.bufsize 65536");
        Line();
        Line("defaults");
        Line("    mode http");
        Line("    log global");
        Line("    option httplog");
        Line("    option dontlog-normal          # log retries, redispatches and errors, not every request");
        Line("    timeout connect 2s");
        Line("    timeout client 65s");
        Line("    timeout server 65s");
        Line("    timeout http-request 10s");
        Line("    timeout http-keep-alive 10s");
        Line("    timeout queue 5s");
        Line("    timeout tunnel 1h              # WebSockets and Blazor circuits");
        // A replica that refused the connection, or closed it without an answer (killed mid-request), is not the
        // request's fault: try again, on another replica (redispatch at every retry).
        Line("    retries 2");
        Line("    option redispatch 1");
        Line("    retry-on conn-failure empty-response");
        Line();
        if (settings.CacheMegabytes > 0)
        {
            Line("cache edge");
            Line($"    total-max-size {settings.CacheMegabytes.ToString(CultureInfo.InvariantCulture)}");
            Line("    max-object-size 1048576");
            Line($"    max-age {((long)settings.CacheMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture)}");
            Line("    process-vary on");
            Line();
        }

        Line($"frontend {name}");
        Line($"    bind \"${{{FrontendAddressVariable}}}\"");
        // The services trust X-Forwarded-For from loopback only; whatever a client sent is replaced by its real address.
        Line("    http-request set-header X-Forwarded-For %[src]");
        Line("    http-request set-header X-Forwarded-Proto http");
        Line("    http-request set-header X-Forwarded-Host %[req.hdr(host)]");
        if (settings.CacheMegabytes > 0)
        {
            Line("    http-response set-header X-Cache hit if !{ srv_id -m found }");
        }

        var anyReplica = settings.StickyFor is not null && settings.AnyReplicaPaths.Length > 0;
        if (anyReplica)
        {
            var prefixes = settings.AnyReplicaPaths.Where(p => p.StartsWith('/')).ToList();
            var extensions = settings.AnyReplicaPaths.Where(p => p.StartsWith('.')).ToList();
            if (prefixes.Count > 0)
            {
                Line($"    acl any_replica path_beg {string.Join(' ', prefixes)}");
            }

            if (extensions.Count > 0)
            {
                Line($"    acl any_replica path_end {string.Join(' ', extensions)}");
            }

            Line($"    use_backend {name}-any if any_replica");
        }

        Line($"    default_backend {name}");
        Line();
        Line($"backend {name}");
        Rules();
        Line("    option httpchk");
        Line($"    http-check send meth GET uri {settings.HealthPath} ver HTTP/1.1 hdr Host localhost");
        Line("    http-check expect status 200-399");
        Line($"    default-server check inter {Ms(settings.CheckInterval)} fall {settings.Fall} rise {settings.Rise} " +
            $"observe layer4 error-limit {settings.ErrorLimit} on-error mark-down" +
            (settings.SlowStart > TimeSpan.Zero ? $" slowstart {Ms(settings.SlowStart)}" : ""));
        if (settings.StickyFor is { } sticky)
        {
            Line($"    cookie {settings.StickyCookie} insert indirect nocache httponly attr \"SameSite=Lax\" maxlife {((long)sticky.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s");
        }

        for (var i = 0; i < servers.Count; i++)
        {
            var cookie = settings.StickyFor is null ? "" : $" cookie {servers[i]}";
            Line($"    server {servers[i]} \"${{{ServerAddressVariable(i)}}}\"{Weight(i)}{cookie}");
        }

        Line();
        if (anyReplica)
        {
            // What every replica answers alike (photos, static files) is balanced without the cookie: it never sets
            // one, so a shared cache may keep it (HAProxy marks an answer that inserts the cookie private), and a
            // replica going away never re-pins a browser. Each server follows its twin's health checks.
            Line($"backend {name}-any");
            Rules();
            for (var i = 0; i < servers.Count; i++)
            {
                Line($"    server {servers[i]} \"${{{ServerAddressVariable(i)}}}\"{Weight(i)} track {name}/{servers[i]}");
            }

            Line();
        }

        Line("listen stats");
        Line($"    bind \"${{{StatsAddressVariable}}}\"");
        Line("    http-request use-service prometheus-exporter if { path /metrics }");
        Line("    stats enable");
        Line("    stats uri /");
        Line("    stats refresh 5s");
        Line("    stats show-legends");
        return s.ToString();
    }
}
