namespace Tollgate.Grains.Quotas;

/// <summary>
/// A counter's totals of the current UTC day (in its state), kept exact: a change that would pass
/// long.MaxValue is refused. A counter's first change on a later day closes the day it held and opens
/// the new one (<see cref="UsageDayRecord"/>); a clock behind the day already held counts in that day.
/// </summary>
public static class DayTotals
{
    /// <summary>Whether the day's totals can take this change.</summary>
    public static bool Fits(QuotaCounterState state, DateTimeOffset now, long consumed, long refunded) =>
        DateOnly.FromDateTime(now.UtcDateTime) > state.Day
        || (QuotaSums.Fits(state.DayConsumed, consumed) && QuotaSums.Fits(state.DayRefunded, refunded));

    /// <summary>
    /// Adds to the day's totals (<see cref="Fits"/> was asked first); returns the records of a day closed and opened, if any.
    /// </summary>
    public static (UsageDayRecord? Closed, UsageDayRecord? Opened) Tally(
        QuotaCounterState state, DateTimeOffset now, long consumed, long refunded)
    {
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        (UsageDayRecord? Closed, UsageDayRecord? Opened) moved = default;
        if (day > state.Day)
        {
            if (state.Day != default) moved.Closed = new UsageDayRecord(Usage.Closed, state.Day, state.DayConsumed, state.DayRefunded);
            moved.Opened = new UsageDayRecord(Usage.Opened, day, 0, 0);
            (state.Day, state.DayConsumed, state.DayRefunded) = (day, 0, 0);
        }
        state.DayConsumed = QuotaSums.Add(state.DayConsumed, consumed);
        state.DayRefunded = QuotaSums.Add(state.DayRefunded, refunded);
        return moved;
    }
}
