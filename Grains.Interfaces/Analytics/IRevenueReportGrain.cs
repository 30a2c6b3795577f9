namespace Tollgate.Grains.Analytics;

/// <summary>Reads revenue analytics from the month grains; a stateless worker, so reads run side by side on every silo.</summary>
[Alias("tollgate.IRevenueReportGrain")]
public interface IRevenueReportGrain : IGrainWithIntegerKey
{
    /// <summary>Each currency's months from <paramref name="from"/> through <paramref name="to"/> ("yyyy-MM"), oldest first.</summary>
    Task<IReadOnlyList<AnalyticsMonth>> Months(string from, string to);
}
