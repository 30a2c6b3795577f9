using Tollgate.Grains.Quotas;

namespace Tollgate.Grains.Tests.Quotas;

public sealed class MonthTotalsTests
{
    private static readonly DateTimeOffset Dec30 = new(2026, 12, 30, 12, 0, 0, TimeSpan.Zero);

    private static void Tally(QuotaCounterState state, DateTimeOffset now, long consumed, long refunded)
    {
        MonthTotals.Tally(state, now, consumed, refunded);
        DayTotals.Tally(state, now, consumed, refunded);
    }

    [Fact]
    public void A_month_adds_up_its_days_and_a_change_in_the_next_month_closes_it()
    {
        var state = new QuotaCounterState();
        Assert.Null(MonthTotals.Held(state));
        Tally(state, Dec30, 5, 0);
        Tally(state, Dec30.AddDays(1), 7, 2); // the 31st: a new day, the same month

        Assert.Equal(new MonthUsage(new DateOnly(2026, 12, 1), 12, 2), MonthTotals.Held(state));
        Assert.Equal(new MonthUsage(new DateOnly(2026, 12, 1), 12, 2), MonthTotals.Tally(state, Dec30.AddDays(2), 1, 0));
        Assert.Equal(new MonthUsage(new DateOnly(2027, 1, 1), 1, 0), MonthTotals.Held(state));
    }

    [Fact]
    public void A_counter_stored_before_month_totals_counts_its_month_from_the_day_it_holds()
    {
        var state = new QuotaCounterState { Day = new DateOnly(2026, 12, 30), DayConsumed = 9, DayRefunded = 1 };

        Assert.Equal(new MonthUsage(new DateOnly(2026, 12, 1), 9, 1), MonthTotals.Held(state));
        Tally(state, Dec30.AddDays(1), 3, 0);
        Assert.Equal(new MonthUsage(new DateOnly(2026, 12, 1), 12, 1), MonthTotals.Held(state));
    }

    [Fact]
    public void A_month_total_past_the_largest_number_stays_at_it_and_a_clock_behind_counts_in_the_month_held()
    {
        var state = new QuotaCounterState();
        Tally(state, Dec30, long.MaxValue, 0);
        Tally(state, Dec30.AddDays(1), 5, 0);
        Assert.Null(MonthTotals.Tally(state, Dec30.AddDays(-40), 1, 0));

        Assert.Equal(new MonthUsage(new DateOnly(2026, 12, 1), long.MaxValue, 0), MonthTotals.Held(state));
    }
}
