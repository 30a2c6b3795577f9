using System.Globalization;

namespace Tollgate.Grains.Analytics;

/// <summary>
/// Revenue analytics read from the month grains (<see cref="IRevenueMonthGrain"/>) that keep each month's movements as
/// subscriptions and payments change: a read costs one grain call per currency and month since that currency's first, however
/// many tenants there are. The totals are the movements carried forward (<see cref="RevenueTotals.Totals"/>).
/// </summary>
[StatelessWorker, GrainType("revenue-report")]
public sealed class RevenueReportGrain : TollgateGrain, IRevenueReportGrain
{
    public async Task<IReadOnlyList<AnalyticsMonth>> Months(string from, string to)
    {
        var last = RevenueTotals.ParseMonth(to) ?? throw new ArgumentException($"'{to}' is not a month.", nameof(to));
        var firstMonths = await GrainFactory.GetGrain<IRevenueCurrenciesGrain>(IRevenueCurrenciesGrain.Key).Get();
        var reads = new List<Task<MonthFigures>>();
        foreach (var (currency, first) in firstMonths)
        {
            for (var month = RevenueTotals.ParseMonth(first)!.Value; month <= last; month = month.AddMonths(1))
            {
                var key = month.ToString(RevenueTotals.MonthFormat, CultureInfo.InvariantCulture);
                reads.Add(GrainFactory.GetGrain<IRevenueMonthGrain>(IRevenueMonthGrain.KeyOf(key, currency)).Get());
            }
        }
        return RevenueTotals.Totals(await Task.WhenAll(reads), from, to);
    }
}
