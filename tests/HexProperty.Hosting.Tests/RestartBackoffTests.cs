using HexProperty.Hosting.Orchestration;

namespace HexProperty.Hosting.Tests;

public sealed class RestartBackoffTests
{
    [Fact]
    public void Delays_double_up_to_thirty_seconds()
    {
        var backoff = new RestartBackoff();

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next(TimeSpan.FromSeconds(2)).TotalSeconds).ToList();

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
    }

    [Fact]
    public void An_instance_that_ran_for_a_minute_restarts_quickly_again()
    {
        var backoff = new RestartBackoff();
        for (var i = 0; i < 5; i++)
        {
            backoff.Next(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next(TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Next(TimeSpan.FromSeconds(1)));
    }
}
