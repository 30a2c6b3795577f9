using Tollgate.Grains.Billing;

namespace Tollgate.Grains.Tests;

/// <summary>Month-end anchors behave as a person expects.</summary>
public sealed class CalendarTests
{
    private static DateTimeOffset Utc(int year, int month, int day) => new(year, month, day, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void An_anchor_on_the_31st_renews_on_the_last_day_of_short_months_and_the_31st_again_after()
    {
        var anchor = Utc(2027, 1, 31);

        var ends = Enumerable.Range(1, 4).Select(k => Calendar.AddIntervals(anchor, BillingInterval.Month, k));

        Assert.Equal([Utc(2027, 2, 28), Utc(2027, 3, 31), Utc(2027, 4, 30), Utc(2027, 5, 31)], ends);
        Assert.Equal((Utc(2027, 2, 28), Utc(2027, 3, 31)), Calendar.PeriodAt(anchor, BillingInterval.Month, Utc(2027, 3, 15)));
        Assert.Equal(Utc(2028, 2, 29), Calendar.AddIntervals(Utc(2028, 1, 31), BillingInterval.Month, 1)); // a leap year
    }

    [Fact]
    public void A_yearly_anchor_on_February_29_renews_on_February_28_and_on_the_29th_in_leap_years()
    {
        var anchor = Utc(2028, 2, 29);

        Assert.Equal(Utc(2029, 2, 28), Calendar.AddIntervals(anchor, BillingInterval.Year, 1));
        Assert.Equal(Utc(2032, 2, 29), Calendar.AddIntervals(anchor, BillingInterval.Year, 4));
        Assert.Equal((Utc(2029, 2, 28), Utc(2030, 2, 28)), Calendar.PeriodAt(anchor, BillingInterval.Year, Utc(2029, 6, 1)));
    }

    [Fact]
    public void Boundaries_belong_to_the_period_they_start()
    {
        var anchor = Utc(2027, 1, 31);

        Assert.Equal(Utc(2027, 2, 28), Calendar.PeriodAt(anchor, BillingInterval.Month, Utc(2027, 2, 28)).Start);
        Assert.Equal(Utc(2027, 1, 31), Calendar.PeriodAt(anchor, BillingInterval.Month, Utc(2027, 2, 28).AddTicks(-1)).Start);
    }

    [Fact]
    public void Daily_windows_run_from_midnight_UTC_and_lifetime_windows_never_end()
    {
        var now = new DateTimeOffset(2027, 3, 1, 23, 59, 59, TimeSpan.FromHours(-5)); // 04:59:59 UTC on March 2

        Assert.Equal((Utc(2027, 3, 2).AddHours(-9.5), (DateTimeOffset?)Utc(2027, 3, 3).AddHours(-9.5)), Calendar.WindowAt(QuotaWindow.Daily, default, now));
        Assert.Null(Calendar.WindowAt(QuotaWindow.Lifetime, Utc(2027, 1, 1), now).End);
    }
}
