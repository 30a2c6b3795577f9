namespace Tollgate.Grains.Alerts;

/// <summary>
/// When a value's alerts fire and resolve. Each level (a positive number: a percent, a balance) has a
/// mark, the least value that reaches it; the holder keeps the level it last alerted (0: none). A value
/// that reaches a level above the alerted one raises that level, once, however many levels it passed;
/// a value back under the alerted level's mark resolves it, once, and the alerted level drops to the
/// highest level the value still reaches. Nothing changes while the value stays within
/// <see cref="Quiet"/>, so a holder needs only two compares per change until it leaves that band.
/// </summary>
/// <param name="levels">The levels alerted on, ascending and distinct, each greater than 0.</param>
/// <param name="markOf">
/// A level's mark; non-decreasing in the level. Levels not in <paramref name="levels"/> are asked too (one alerted
/// before the levels changed).
/// </param>
public sealed class ThresholdAlerts(IReadOnlyList<long> levels, Func<long, long> markOf)
{
    /// <summary>
    /// Levels in percent of <paramref name="limit"/>: a level is reached at <c>used * 100 >= level * limit</c>,
    /// and never at 0 (a quota with nothing used, even of limit 0, has nothing to alert about).
    /// </summary>
    public static ThresholdAlerts Percents(IReadOnlyList<int> percents, long limit) =>
        new([.. percents.Order().Select(p => (long)p)], percent => PercentMark(percent, limit));

    /// <summary>The least used amount that reaches <paramref name="percent"/> of <paramref name="limit"/> (at least 1).</summary>
    public static long PercentMark(long percent, long limit)
    {
        var exact = (Int128)percent * limit;
        var mark = exact / 100 + (exact % 100 == 0 ? 0 : 1); // rounded up: 80 % of 7 is reached at 6
        return (long)Int128.Clamp(mark, 1, long.MaxValue);
    }

    /// <summary>The highest level <paramref name="value"/> reaches, 0 when none.</summary>
    public long Reached(long value)
    {
        for (var i = levels.Count - 1; i >= 0; i--)
            if (value >= markOf(levels[i])) return levels[i];
        return 0;
    }

    /// <summary>What <paramref name="value"/> does to the alert at level <paramref name="alerted"/> (0: none).</summary>
    public ThresholdCrossing Cross(long value, long alerted)
    {
        var reached = Reached(value);
        if (reached > alerted) return new(ThresholdChange.Raised, reached, reached);
        if (alerted > 0 && value < markOf(alerted)) return new(ThresholdChange.Resolved, alerted, reached);
        return new(ThresholdChange.None, alerted, alerted);
    }

    /// <summary>
    /// The values from <c>From</c> up to (not including) <c>Below</c> with which <see cref="Cross"/> changes
    /// nothing for the alerted level: at or over its mark, under the mark of the next level above it.
    /// </summary>
    public (long From, long Below) Quiet(long alerted)
    {
        var from = alerted > 0 ? markOf(alerted) : long.MinValue;
        foreach (var level in levels)
            if (level > alerted) return (from, markOf(level));
        return (from, long.MaxValue);
    }
}
