using Tollgate.Grains.Quotas;

namespace Tollgate.Grains.Tests.Quotas;

public sealed class DayTotalsTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_first_change_opens_its_day_and_a_change_on_a_later_day_closes_it()
    {
        var state = new QuotaCounterState();

        Assert.Equal((null, new UsageDayRecord(Usage.Opened, new DateOnly(2026, 12, 6), 0, 0)), DayTotals.Tally(state, Noon, 5, 0));
        Assert.Equal((null, null), DayTotals.Tally(state, Noon.AddHours(1), 0, 2));
        Assert.Equal(
            (new UsageDayRecord(Usage.Closed, new DateOnly(2026, 12, 6), 5, 2),
                new UsageDayRecord(Usage.Opened, new DateOnly(2026, 12, 7), 0, 0)),
            DayTotals.Tally(state, Noon.AddDays(1), 3, 0));
        Assert.Equal((new DateOnly(2026, 12, 7), 3, 0), (state.Day, state.DayConsumed, state.DayRefunded));
    }

    [Fact]
    public void A_clock_behind_the_day_held_counts_in_that_day()
    {
        var state = new QuotaCounterState();
        DayTotals.Tally(state, Noon, 5, 0);

        Assert.Equal((null, null), DayTotals.Tally(state, Noon.AddDays(-1), 1, 0));
        Assert.Equal((new DateOnly(2026, 12, 6), 6), (state.Day, state.DayConsumed));
    }

    [Fact]
    public void A_change_that_would_pass_the_largest_total_does_not_fit_until_the_next_day()
    {
        var state = new QuotaCounterState();
        DayTotals.Tally(state, Noon, long.MaxValue - 1, 0);

        Assert.True(DayTotals.Fits(state, Noon, 1, 0));
        Assert.False(DayTotals.Fits(state, Noon, 2, 0));
        Assert.True(DayTotals.Fits(state, Noon, 0, long.MaxValue));
        Assert.True(DayTotals.Fits(state, Noon.AddDays(1), 2, 0));
    }
}
