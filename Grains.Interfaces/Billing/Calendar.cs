namespace Tollgate.Grains.Billing;

/// <summary>
/// Period and window boundaries. Monthly and yearly boundaries count from the anchor itself
/// (anchor + k months), never from the previous boundary, so an anchor on the 31st gives Feb 28
/// (or 29) and then Mar 31 again, and Feb 29 gives Feb 28 in other years, as a person expects.
/// </summary>
public static class Calendar
{
    public static DateTimeOffset AddIntervals(DateTimeOffset anchor, BillingInterval interval, int count) =>
        interval == BillingInterval.Month ? anchor.AddMonths(count) : anchor.AddYears(count);

    /// <summary>The period containing <paramref name="now"/>: [anchor + k, anchor + k + 1).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) PeriodAt(DateTimeOffset anchor, BillingInterval interval, DateTimeOffset now)
    {
        var k = interval == BillingInterval.Month
            ? (now.Year - anchor.Year) * 12 + now.Month - anchor.Month
            : now.Year - anchor.Year;
        while (AddIntervals(anchor, interval, k) > now) k--;
        while (AddIntervals(anchor, interval, k + 1) <= now) k++;
        return (AddIntervals(anchor, interval, k), AddIntervals(anchor, interval, k + 1));
    }

    /// <summary>The quota window containing <paramref name="now"/>; a lifetime window never ends (null end).</summary>
    public static (DateTimeOffset Start, DateTimeOffset? End) WindowAt(QuotaWindow window, DateTimeOffset anchor, DateTimeOffset now)
    {
        switch (window)
        {
            case QuotaWindow.Daily:
                var midnight = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
                return (midnight, midnight.AddDays(1));
            case QuotaWindow.Monthly:
            case QuotaWindow.Yearly:
                var (start, end) = PeriodAt(anchor, window == QuotaWindow.Monthly ? BillingInterval.Month : BillingInterval.Year, now);
                return (start, end);
            default:
                return (DateTimeOffset.MinValue, null);
        }
    }
}
