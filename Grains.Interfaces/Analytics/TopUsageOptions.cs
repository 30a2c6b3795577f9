namespace Tollgate.Grains.Analytics;

/// <summary>Bound from the <c>TopUsage</c> configuration section; the counters report by it, and the pages say it.</summary>
public sealed class TopUsageOptions
{
    public const string SectionName = "TopUsage";

    /// <summary>
    /// How often a counter that changed reports its month's totals to the month's leaders (and once more as it goes idle):
    /// the top tenants by usage trail the counters by at most about this much.
    /// </summary>
    public TimeSpan ReportPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
