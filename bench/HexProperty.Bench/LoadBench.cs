using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace HexProperty.Bench;

/// <summary>
/// An open-loop load: requests start at a fixed rate whatever the answers take, so a slow server cannot hide its queue
/// (wrk waits for each answer before sending the next on a connection). Each request's latency is counted from the
/// moment it was due, not from when it was sent. The mix file has one request per line, <c>weight kind method url</c>;
/// <c>staff</c> lines carry STAFF_TOKEN, <c>hold</c> lines POST a one-night hold of a random night on the unit in the url
/// with an Idempotency-Key, and <c>pay</c> lines do the same and then pay the hold by card (a checkout, timed whole). Prints a progress line every second (time, requests, errors, in flight) and, at the end,
/// one JSON line per kind and for all: requests, errors (5xx or no answer, counted by cause), refusals (4xx), p50/p95/p99/max in ms, rate.
/// </summary>
internal static class LoadBench
{
    private sealed record Line(int Weight, string Kind, HttpMethod Method, string Url);

    private sealed class Tally
    {
        public ConcurrentBag<double> Latencies { get; } = [];

        /// <summary>What the errors were: a 5xx status, a timeout or a failed connection, with how many of each.</summary>
        public ConcurrentDictionary<string, int> Causes { get; } = new();

        public int Errors;
        public int Refusals;

        public void Error(string cause)
        {
            Interlocked.Increment(ref Errors);
            Causes.AddOrUpdate(cause, 1, (_, n) => n + 1);
        }
    }

    public static async Task<int> RunAsync(string mixFile, double rate, int seconds, CancellationToken cancellationToken)
    {
        var lines = File.ReadLines(mixFile).Where(l => l.Trim().Length > 0 && !l.StartsWith('#')).Select(Parse).ToList();
        var total = lines.Sum(l => l.Weight);
        var token = Environment.GetEnvironmentVariable("STAFF_TOKEN");
        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1000,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseCookies = false,
        })
        { Timeout = TimeSpan.FromSeconds(30) };

        var tallies = new ConcurrentDictionary<string, Tally>();
        var inFlight = 0;
        var random = new Random(); // another set of nights each run: a hold repeated from the last run would only be refused
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task>();
        var count = (int)(rate * seconds);
        var nextReport = 1.0;
        for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
        {
            var due = i / rate;
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0.001)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
            }

            if (clock.Elapsed.TotalSeconds >= nextReport)
            {
                var errors = tallies.Values.Sum(t => t.Errors);
                Console.Error.WriteLine(Bench.Format($"load: {nextReport,4:0} s  {i,7} started  {errors,5} errors  {Volatile.Read(ref inFlight),4} in flight"));
                nextReport += 1;
            }

            var pick = random.Next(total);
            var line = lines.First(l => (pick -= l.Weight) < 0);
            var night = random.Next(400, 700);
            var tally = tallies.GetOrAdd(line.Kind, _ => new Tally());
            Interlocked.Increment(ref inFlight);
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    var status = await SendAsync(client, line, night, token);
                    if (status >= 500)
                    {
                        tally.Error(status.ToString(CultureInfo.InvariantCulture));
                    }
                    else if (status >= 400)
                    {
                        Interlocked.Increment(ref tally.Refusals);
                    }
                }
                catch (TaskCanceledException)
                {
                    tally.Error("timeout");
                }
                catch (HttpRequestException e)
                {
                    tally.Error(e.HttpRequestError.ToString());
                }
                finally
                {
                    tally.Latencies.Add((clock.Elapsed.TotalSeconds - due) * 1000);
                    Interlocked.Decrement(ref inFlight);
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed.TotalSeconds;
        foreach (var (kind, tally) in tallies.OrderBy(t => t.Key).Append(new("all", All(tallies.Values))))
        {
            var sorted = tally.Latencies.Order().ToArray();
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                kind,
                requests = sorted.Length,
                errors = tally.Errors,
                refusals = tally.Refusals,
                p50 = Round(Percentile(sorted, 0.50)),
                p95 = Round(Percentile(sorted, 0.95)),
                p99 = Round(Percentile(sorted, 0.99)),
                max = Round(sorted.Length == 0 ? 0 : sorted[^1]),
                rate = Round(sorted.Length / elapsed),
                causes = tally.Causes.OrderBy(c => c.Key).ToDictionary(),
            }));
        }

        return 0;
    }

    private static Tally All(IEnumerable<Tally> tallies)
    {
        var all = new Tally();
        foreach (var tally in tallies)
        {
            foreach (var latency in tally.Latencies)
            {
                all.Latencies.Add(latency);
            }

            all.Errors += tally.Errors;
            all.Refusals += tally.Refusals;
            foreach (var (cause, count) in tally.Causes)
            {
                all.Causes.AddOrUpdate(cause, count, (_, n) => n + count);
            }
        }

        return all;
    }

    /// <summary>One line's request; a <c>pay</c> line is a guest's checkout: the hold, then its card payment.</summary>
    private static async Task<int> SendAsync(HttpClient client, Line line, int night, string? token)
    {
        var email = $"load-{Guid.NewGuid():N}@example.test";
        using var request = Build(line, night, token, email);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        if (line.Kind != "pay" || response.StatusCode != HttpStatusCode.Created)
        {
            return (int)response.StatusCode;
        }

        using var hold = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
        var reference = hold.RootElement.GetProperty("reference").GetString();
        using var payment = new HttpRequestMessage(HttpMethod.Post, new Uri(request.RequestUri!, $"/api/bookings/{reference}/payments"));
        payment.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        payment.Content = new StringContent(JsonSerializer.Serialize(new
        {
            email,
            amount = hold.RootElement.GetProperty("total").GetDecimal(),
            currency = hold.RootElement.GetProperty("currency").GetString(),
            card = new { number = "4242424242424242", expiryMonth = 12, expiryYear = DateTime.UtcNow.Year + 2, cvc = "123", holderName = "Load Guest" },
        }), Encoding.UTF8, "application/json");
        using var paid = await client.SendAsync(payment, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        return (int)paid.StatusCode;
    }

    private static HttpRequestMessage Build(Line line, int night, string? token, string email)
    {
        var request = new HttpRequestMessage(line.Method, line.Url);
        if (line.Kind == "staff" && token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (line.Kind is "hold" or "pay")
        {
            // The url is the Api's /api/bookings?unit={id}: the unit goes into the body.
            var unit = line.Url[(line.Url.IndexOf("unit=", StringComparison.Ordinal) + 5)..];
            var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(night);
            request.RequestUri = new Uri(line.Url[..line.Url.IndexOf('?', StringComparison.Ordinal)]);
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            request.Content = new StringContent(JsonSerializer.Serialize(new
            {
                unitId = unit,
                checkIn = checkIn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                checkOut = checkIn.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                guests = 1,
                guest = new { fullName = "Load Guest", email },
            }), Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static Line Parse(string text)
    {
        var parts = text.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
        return new Line(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1], new HttpMethod(parts[2]), parts[3].Trim());
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static double Round(double value) => Math.Round(value, 1);
}
