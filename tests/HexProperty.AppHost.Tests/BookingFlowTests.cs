using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HexProperty.Hosting;
using HexProperty.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HexProperty.AppHost.Tests;

/// <summary>The whole system at work: a booking paid through the Api reaches the Worker as one event, in one trace, and
/// nothing is lost while the broker is down.</summary>
public sealed partial class PlatformTests
{
    [Fact]
    public async Task A_paid_booking_is_one_event_through_the_Worker_one_notification_per_staff_member_and_one_trace()
    {
        var hold = await BookingScenario.HoldAsync(App);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        await BookingScenario.PayAsync(App, hold, traceId);

        // One trace: the payment request, the relay's publish and the Worker's handling of the event.
        var request = await platform.Telemetry.SpanAsync(traceId, s => s.Resource.StartsWith("api-", StringComparison.Ordinal) && s.Kind == "Server");
        var publish = await platform.Telemetry.SpanAsync(traceId, s => s.Kind == "Producer" && s.Name == "booking.confirmed publish");
        var handled = await platform.Telemetry.SpanAsync(traceId, s => s.Resource == "worker" && s.Kind == "Consumer" && s.Name == "booking.confirmed process");
        // The client library's own publish span may sit between the relay's and the consumer's.
        Assert.Contains(publish.SpanId, await AncestorsAsync(handled));
        Assert.Contains(request.SpanId, await AncestorsAsync(publish));
        Assert.True(request.Start <= handled.Start);

        await AssertOneConfirmationNotificationAsync(hold);
    }

    [Fact]
    public async Task A_booking_paid_while_the_broker_is_down_reaches_the_Worker_once_the_broker_is_back()
    {
        var hold = await BookingScenario.HoldAsync(App);
        var broker = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<LocalServerResource>().Single(r => r.Name == "messaging");
        var killed = int.Parse(File.ReadAllText(broker.ServerPidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        Posix.Kill(killed, Posix.SigKill);
        await BookingScenario.PayAsync(App, hold, ActivityTraceId.CreateRandom().ToHexString()); // the outbox keeps the event

        await Eventually.TrueAsync(() => File.Exists(broker.ServerPidFile) && File.ReadAllText(broker.ServerPidFile).Trim() != killed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "the broker's supervisor did not start it again");
        await AssertOneConfirmationNotificationAsync(hold, TimeSpan.FromMinutes(1));
    }

    /// <summary>Exactly one notification of the kind for the owner, however many deliveries there were.</summary>
    private async Task AssertOneConfirmationNotificationAsync(BookingScenario.Hold hold, TimeSpan? timeout = null)
    {
        await using var database = NpgsqlDataSource.Create((await App.GetConnectionStringAsync("hexdb"))!);
        async Task<long> CountAsync()
        {
            await using var count = database.CreateCommand("""
                select count(*) from notifications n join staff_users s on s.id = n.user_id where s.email = $1 and n.kind = 'booking-confirmed'
                """);
            count.Parameters.AddWithValue(hold.OwnerEmail);
            return (long)(await count.ExecuteScalarAsync())!;
        }

        await Eventually.TrueAsync(async () => await CountAsync() > 0, "no booking-confirmed notification for the owner", timeout);
        // A redelivery would come within the consumer's retry delay: one second later there must still be one.
        var settled = Stopwatch.StartNew();
        while (settled.Elapsed < TimeSpan.FromSeconds(1))
        {
            Assert.Equal(1L, await CountAsync());
            await Task.Delay(200);
        }
    }
}
