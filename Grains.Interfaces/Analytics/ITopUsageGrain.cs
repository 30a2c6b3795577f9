namespace Tollgate.Grains.Analytics;

/// <summary>
/// The tenants that used the most of one quota type in one month, keyed "yyyy-MM/quotaType" (<see cref="KeyOf"/>). Quota
/// counters report their month's totals to it now and then (never per consume); it keeps only the leaders.
/// </summary>
[Alias("tollgate.ITopUsageGrain")]
public interface ITopUsageGrain : IGrainWithStringKey
{
    static string KeyOf(string month, string quotaType) => $"{month}/{quotaType}";

    /// <summary>
    /// A tenant's totals of the month so far, whole (not what changed since the last report). Within a month both only grow,
    /// so the larger of what was reported and what is kept stands: a repeated or late report changes nothing and needs no id.
    /// </summary>
    Task Report(TenantUsage usage);

    /// <summary>Up to <paramref name="count"/> tenants, most used first.</summary>
    Task<TopUsage> Get(int count);
}
