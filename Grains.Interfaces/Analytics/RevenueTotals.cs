using System.Globalization;

namespace Tollgate.Grains.Analytics;

/// <summary>
/// From months' movements (<see cref="MonthFigures"/>) to the months the operator reads (<see cref="AnalyticsMonth"/>): the
/// totals at each month's end are the movements carried forward. Pure; the month grains' report and a recompute from the
/// journal both end here, so they can only differ in the movements they sum. Months are UTC calendar months, "yyyy-MM".
/// </summary>
public static class RevenueTotals
{
    public const string MonthFormat = "yyyy-MM";

    private static readonly IReadOnlyDictionary<string, long> s_none = new Dictionary<string, long>();

    /// <summary>A month written "yyyy-MM" as its first day (UTC), or null when it is not one.</summary>
    public static DateOnly? ParseMonth(string? month) =>
        month is { Length: 7 } && DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None,
            out var first) ? first : null;

    /// <summary>Average revenue per paying tenant: MRR divided by paying tenants, rounded down; 0 with no paying tenant.</summary>
    public static long Arpu(long mrrMinor, int payingTenants) => payingTenants > 0 ? mrrMinor / payingTenants : 0;

    /// <summary>
    /// The months as the month grains give them, recomputed from <paramref name="movements"/> (every movement recorded, as the
    /// journal holds them: <see cref="RevenueJournal"/>), each id counted once as a month grain counts it.
    /// </summary>
    public static IReadOnlyList<AnalyticsMonth> Recompute(IEnumerable<RevenueMovement> movements, string from, string to)
    {
        var counted = new HashSet<string>(StringComparer.Ordinal);
        var months = new Dictionary<(string Month, string Currency), MonthFigures>();
        foreach (var movement in movements)
        {
            if (!counted.Add(movement.Id)) continue;
            var key = (movement.Month, movement.Currency);
            months[key] = (months.GetValueOrDefault(key) ?? MonthFigures.Empty(movement.Month, movement.Currency)).Plus(movement);
        }
        return Totals(months.Values, from, to);
    }

    /// <summary>
    /// The months the operator reads, oldest first: each currency's totals at a month's end are its movements summed up to that
    /// month, from <paramref name="history"/> (every month with movements, in any order, from the first); one entry per month
    /// from <paramref name="from"/> to <paramref name="to"/> and currency, from the currency's first month on.
    /// </summary>
    public static IReadOnlyList<AnalyticsMonth> Totals(IEnumerable<MonthFigures> history, string from, string to)
    {
        var months = new List<AnalyticsMonth>();
        foreach (var currency in history.GroupBy(f => f.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var byMonth = currency.ToDictionary(f => f.Month, StringComparer.Ordinal);
            var first = ParseMonth(byMonth.Keys.Min(StringComparer.Ordinal))!.Value;
            var (mrr, paying) = (0L, 0);
            for (var month = first; month <= ParseMonth(to)!.Value; month = month.AddMonths(1))
            {
                var key = month.ToString(MonthFormat, CultureInfo.InvariantCulture);
                var figures = byMonth.GetValueOrDefault(key) ?? MonthFigures.Empty(key, currency.Key);
                var (startMrr, startPaying) = (mrr, paying);
                (mrr, paying) = (mrr + figures.NetMrrMinor, paying + figures.PayingDelta);
                if (string.CompareOrdinal(key, from) < 0) continue;
                months.Add(new AnalyticsMonth(key, currency.Key, mrr, figures.NewMrrMinor, figures.ExpansionMrrMinor,
                    figures.ContractionMrrMinor, figures.ChurnedMrrMinor, paying, Arpu(mrr, paying), figures.TrialsStarted,
                    figures.TrialsConverted, figures.RevenueMinor, startMrr, startPaying, figures.TenantsChurned, figures.TrialsEnded,
                    figures.RevenueByProvider ?? s_none, figures.RevenueByPlan ?? s_none));
            }
        }
        return [.. months.OrderBy(m => m.Month, StringComparer.Ordinal).ThenBy(m => m.Currency, StringComparer.Ordinal)];
    }
}
