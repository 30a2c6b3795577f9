namespace Tollgate.Grains.Quotas;

/// <summary>
/// A counter's totals of the current UTC month (in its state), which it reports to the month's leaders
/// (<see cref="Tollgate.Grains.Analytics.ITopUsageGrain"/>). They count the same changes as <see cref="DayTotals"/>, so a
/// month's total is the sum of its days on the usage report. They never refuse a change (the day's totals do that):
/// a sum past long.MaxValue stays at long.MaxValue.
/// </summary>
public static class MonthTotals
{
    /// <summary>The month's totals held, or null before any change. A counter stored before month totals were kept holds its
    /// day's totals as its month's: its month counts from that day.</summary>
    public static MonthUsage? Held(QuotaCounterState state) =>
        state.Month != default ? new MonthUsage(state.Month, state.MonthConsumed, state.MonthRefunded)
        : state.Day != default ? new MonthUsage(FirstOf(state.Day), state.DayConsumed, state.DayRefunded)
        : null;

    /// <summary>
    /// Adds to the month's totals; call it before <see cref="DayTotals.Tally"/>, whose day it reads. Returns the month this
    /// change closed (a change in a later month), with its final totals.
    /// </summary>
    public static MonthUsage? Tally(QuotaCounterState state, DateTimeOffset now, long consumed, long refunded)
    {
        var held = Held(state);
        var month = FirstOf(DateOnly.FromDateTime(now.UtcDateTime));
        MonthUsage? closed = null;
        if (held is { } h && month > h.Month) (closed, held) = (h, null);
        var (at, c, r) = held ?? new MonthUsage(month, 0, 0); // a clock behind the month held counts in it, as the day does
        (state.Month, state.MonthConsumed, state.MonthRefunded) = (at, Saturated(c, consumed), Saturated(r, refunded));
        return closed;
    }

    public static DateOnly FirstOf(DateOnly day) => new(day.Year, day.Month, 1);

    private static long Saturated(long total, long amount) => QuotaSums.Fits(total, amount) ? total + amount : long.MaxValue;
}
