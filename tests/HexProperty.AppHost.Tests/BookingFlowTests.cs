using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HexProperty.Dashboard.Telemetry;
using HexProperty.Hosting.Testing;
using Npgsql;

namespace HexProperty.AppHost.Tests;

/// <summary>The whole system at work: a booking paid through the Api reaches the Worker as one event, in one trace.</summary>
public sealed partial class PlatformTests
{
    [Fact]
    public async Task A_paid_booking_is_one_event_through_the_Worker_one_notification_per_staff_member_and_one_trace()
    {
        var hold = await BookingScenario.HoldAsync(App);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        await BookingScenario.PayAsync(App, hold, traceId);

        // One trace: the payment request, the relay's publish and the Worker's handling of the event.
        var request = await SpanAsync(traceId, s => s.Resource == "api" && s.Kind == "Server");
        var publish = await SpanAsync(traceId, s => s.Kind == "Producer" && s.Name == "booking.confirmed publish");
        var handled = await SpanAsync(traceId, s => s.Resource == "worker" && s.Kind == "Consumer" && s.Name == "booking.confirmed process");
        // The client library's own publish span may sit between the relay's and the consumer's.
        Assert.Contains(publish.SpanId, Ancestors(handled));
        Assert.Contains(request.SpanId, Ancestors(publish));
        Assert.True(request.Start < handled.Start);

        // Exactly one notification of the kind for the owner, however many deliveries there were.
        await using var database = NpgsqlDataSource.Create(await App.GetConnectionStringAsync("hexdb"));
        await using var count = database.CreateCommand("""
            select count(*) from notifications n join staff_users s on s.id = n.user_id where s.email = $1 and n.kind = 'booking-confirmed'
            """);
        count.Parameters.AddWithValue(hold.OwnerEmail);
        var waited = Stopwatch.StartNew();
        while ((long)(await count.ExecuteScalarAsync())! == 0 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100); // the handler's transaction commits just after its span starts
        }

        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    private List<string> Ancestors(SpanRecord span)
    {
        var spans = (platform.Telemetry.GetTrace(span.TraceId) ?? []).ToDictionary(s => s.SpanId);
        var ancestors = new List<string>();
        for (var parent = span.ParentSpanId; parent is not null && spans.TryGetValue(parent, out var next) && ancestors.Count < 20; parent = next.ParentSpanId)
        {
            ancestors.Add(parent);
        }

        return ancestors;
    }
}
