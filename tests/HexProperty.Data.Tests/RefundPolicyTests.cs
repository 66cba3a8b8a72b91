using HexProperty.Data.Model;
using HexProperty.Data.Pricing;

namespace HexProperty.Data.Tests;

public sealed class RefundPolicyTests
{
    private static readonly DateOnly CheckIn = new(2027, 6, 15);

    [Theory]
    [InlineData(CancellationPolicy.Flexible, 30, 100)]
    [InlineData(CancellationPolicy.Flexible, 1, 100)]
    [InlineData(CancellationPolicy.Flexible, 0, 0)]
    [InlineData(CancellationPolicy.Moderate, 5, 100)]
    [InlineData(CancellationPolicy.Moderate, 4, 50)]
    [InlineData(CancellationPolicy.Moderate, 1, 50)]
    [InlineData(CancellationPolicy.Moderate, 0, 0)]
    [InlineData(CancellationPolicy.Strict, 7, 50)]
    [InlineData(CancellationPolicy.Strict, 6, 0)]
    [InlineData(CancellationPolicy.Strict, -2, 0)]
    public void The_share_refunded_depends_on_the_policy_and_the_days_left(CancellationPolicy policy, int daysBefore, int percent)
    {
        Assert.Equal(percent, RefundPolicy.Percent(policy, CheckIn.AddDays(-daysBefore), CheckIn));
    }

    [Fact]
    public void The_refund_is_rounded_like_every_other_amount()
    {
        Assert.Equal(61.73m, RefundPolicy.Amount(123.45m, 50)); // 61.725 -> 61.73
        Assert.Equal(0m, RefundPolicy.Amount(123.45m, 0));
    }
}
