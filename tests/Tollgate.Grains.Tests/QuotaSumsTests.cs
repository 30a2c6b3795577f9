using Tollgate.Grains.Quotas;

namespace Tollgate.Grains.Tests;

public sealed class QuotaSumsTests
{
    [Theory]
    [InlineData(0, long.MaxValue, true)]
    [InlineData(1, long.MaxValue, false)]
    [InlineData(long.MaxValue, 0, true)]
    [InlineData(long.MaxValue, 1, false)]
    [InlineData(long.MaxValue - 5, 5, true)]
    [InlineData(long.MaxValue - 5, 6, false)]
    [InlineData(-1, long.MinValue, false)]
    [InlineData(0, long.MinValue, true)]
    [InlineData(-5, 3, true)]
    public void A_sum_fits_exactly_when_it_is_within_the_64_bit_range(long total, long amount, bool fits)
    {
        Assert.Equal(fits, QuotaSums.Fits(total, amount));
        if (fits) Assert.Equal((System.Numerics.BigInteger)total + amount, QuotaSums.Add(total, amount));
        else Assert.Throws<OverflowException>(() => QuotaSums.Add(total, amount));
    }
}
