using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HexProperty.Hosting.Balancing;
using HexProperty.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HexProperty.Hosting.Tests;

/// <summary>
/// Debian's HAProxy run with the configuration the AppHost generates, in front of small Kestrel servers in the test
/// process, so each rule of that configuration is checked against a real balancer. HAProxy is killed by its PID when
/// the harness is disposed, also when the test failed.
/// </summary>
public sealed class HaproxyHarness : IAsyncDisposable
{
    private readonly Process _haproxy;
    private readonly TestDataFolder _folder;

    private HaproxyHarness(Process haproxy, TestDataFolder folder, IReadOnlyList<Backend> backends, int port, int statsPort)
    {
        _haproxy = haproxy;
        _folder = folder;
        Backends = backends;
        Address = new Uri($"http://127.0.0.1:{port}");
        Stats = new Uri($"http://127.0.0.1:{statsPort}");
    }

    public IReadOnlyList<Backend> Backends { get; }

    public Uri Address { get; }

    public Uri Stats { get; }

    /// <summary>Writes made through <see cref="Backend"/>'s <c>/write</c>, per Idempotency-Key, over all backends (as a shared database would).</summary>
    public static ConcurrentDictionary<string, int> Effects { get; } = new();

    public static async Task<HaproxyHarness> StartAsync(BalancerSettings settings, int backends = 2)
    {
        var servers = new List<Backend>();
        for (var i = 0; i < backends; i++)
        {
            servers.Add(await Backend.StartAsync($"b{i + 1}"));
        }

        var folder = new TestDataFolder("haproxy");
        var config = Path.Combine(folder.Path, "haproxy.cfg");
        await File.WriteAllTextAsync(config, HaproxyConfig.Render("svc", settings, [.. servers.Select(s => s.Name)]));
        var (port, statsPort) = (FreePort(), FreePort());
        var start = new ProcessStartInfo("/usr/sbin/haproxy", ["-f", config, "-db"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment[HaproxyConfig.FrontendAddressVariable] = $"127.0.0.1:{port}";
        start.Environment[HaproxyConfig.StatsAddressVariable] = $"127.0.0.1:{statsPort}";
        for (var i = 0; i < servers.Count; i++)
        {
            start.Environment[HaproxyConfig.ServerAddressVariable(i)] = $"127.0.0.1:{servers[i].Port}";
        }

        var haproxy = Process.Start(start)!;
        haproxy.OutputDataReceived += (_, _) => { };
        haproxy.ErrorDataReceived += (_, _) => { };
        haproxy.BeginOutputReadLine();
        haproxy.BeginErrorReadLine();
        var harness = new HaproxyHarness(haproxy, folder, servers, port, statsPort);
        await harness.WaitUntilUpAsync([.. servers.Select(s => s.Name)]);
        return harness;
    }

    /// <summary>HAProxy's own view of each server: UP, DOWN, "UP 1/2"...</summary>
    public Task<Dictionary<string, string>> ServerStatesAsync() => HaproxyStats.ServerStatesAsync(Stats, "svc");

    public Task WaitUntilUpAsync(params string[] servers) =>
        Eventually.TrueAsync(async () =>
        {
            var states = await ServerStatesAsync();
            return servers.All(s => states.GetValueOrDefault(s) == "UP");
        }, $"not all of {string.Join(", ", servers)} are UP");

    public async ValueTask DisposeAsync()
    {
        try
        {
            _haproxy.Kill();
            await _haproxy.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // it had already exited
        }

        _haproxy.Dispose();
        foreach (var backend in Backends)
        {
            await backend.DisposeAsync();
        }

        _folder.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A replica stand-in: answers with its name, can be made unhealthy, slow, or to die mid-request.</summary>
    public sealed class Backend : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private Backend(string name, WebApplication app)
        {
            Name = name;
            _app = app;
        }

        public string Name { get; }

        public int Port => new Uri(_app.Urls.First()).Port;

        /// <summary>Requests that reached this backend, health checks apart.</summary>
        public int Requests => Volatile.Read(ref _requests);

        public bool Healthy { get; set; } = true;

        /// <summary>While set, every request is dropped without an answer, as by a replica killed while serving it.</summary>
        public bool DiesMidRequest { get; set; }

        public static async Task<Backend> StartAsync(string name)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var backend = new Backend(name, app);
            app.MapGet("/health", () => backend.Healthy ? Results.Ok("Healthy") : Results.StatusCode(503));
            app.Use(async (context, next) =>
            {
                if (context.Request.Path == "/health")
                {
                    await next(context);
                    return;
                }

                Interlocked.Increment(ref backend._requests);
                if (backend.DiesMidRequest)
                {
                    await Task.Delay(50); // killed while working on it, the whole request received
                    context.Abort();
                    return;
                }

                await next(context);
            });
            app.MapGet("/who", () => name);
            app.MapGet("/forwarded", (HttpContext context) => context.Request.Headers["X-Forwarded-For"].ToString());
            app.MapGet("/hold", async (int ms) =>
            {
                await Task.Delay(ms);
                return name;
            });
            app.MapGet("/cacheable", (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "public, max-age=60";
                context.Response.Headers.ETag = "\"v1\"";
                return name;
            });
            app.MapPost("/write", (HttpContext context) =>
            {
                var key = context.Request.Headers["Idempotency-Key"].ToString();
                Effects.AddOrUpdate(key.Length == 0 ? context.Request.Query["id"].ToString() : key, 1, (_, n) => n + 1);
                return name;
            });
            await app.StartAsync();
            return backend;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
