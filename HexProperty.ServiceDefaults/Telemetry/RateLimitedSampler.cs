using OpenTelemetry.Trace;

namespace HexProperty.ServiceDefaults.Telemetry;

/// <summary>
/// Keeps every new trace while a process starts fewer than <c>tracesPerSecond</c> a second (all a developer or a test
/// does), and that many a second beyond it (a load test, a busy day), so the cost of tracing stops growing with the
/// traffic: each kept trace is a span built, exported and ingested by the dashboard on the same machine. A token
/// bucket that holds one second's worth, refilled as time passes. It decides for root spans only: used as the root of
/// a <see cref="ParentBasedSampler"/>, a request that arrives with a sampled or dropped trace context follows it, so a
/// trace is kept whole across services or not at all. OpenTelemetry .NET ships no rate-limited sampler.
/// </summary>
public sealed class RateLimitedSampler : Sampler
{
    private readonly double _perSecond;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _last;

    public RateLimitedSampler(double tracesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tracesPerSecond);
        _perSecond = tracesPerSecond;
        _time = time;
        _tokens = tracesPerSecond;
        _last = time.GetTimestamp();
        Description = $"RateLimitedSampler{{{tracesPerSecond}/s}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_perSecond, _tokens + (_time.GetElapsedTime(_last, now).TotalSeconds * _perSecond));
            _last = now;
            if (_tokens < 1)
            {
                return new SamplingResult(SamplingDecision.Drop);
            }

            _tokens--;
            return new SamplingResult(SamplingDecision.RecordAndSample);
        }
    }
}
