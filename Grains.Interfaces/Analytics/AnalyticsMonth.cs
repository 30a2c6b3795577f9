namespace Tollgate.Grains.Analytics;

/// <summary>One month and currency as the operator reads it: the totals at the month's end (or now, for the current month)
/// and the month's movements.</summary>
/// <param name="StartMrrMinor">MRR at the month's start (the previous month's end): what churn is measured against.</param>
/// <param name="StartPayingTenants">Paying tenants at the month's start.</param>
[GenerateSerializer, Immutable, Alias("tollgate.AnalyticsMonth")]
public sealed record AnalyticsMonth(
    string Month, string Currency, long MrrMinor, long NewMrrMinor,
    long ExpansionMrrMinor, long ContractionMrrMinor, long ChurnedMrrMinor,
    int PayingTenants, long ArpuMinor, int TrialsStarted,
    int TrialsConverted, long RevenueMinor,
    long StartMrrMinor = 0, int StartPayingTenants = 0, int TenantsChurned = 0, int TrialsEnded = 0,
    IReadOnlyDictionary<string, long>? RevenueByProvider = null, IReadOnlyDictionary<string, long>? RevenueByPlan = null)
{
    /// <summary>Annual run rate: MRR times 12.</summary>
    public long ArrMinor => MrrMinor * 12;

    /// <summary>Tenants that stopped paying in the month over those paying at its start; null without any at its start.</summary>
    public decimal? LogoChurn => StartPayingTenants > 0 ? Math.Round((decimal)TenantsChurned / StartPayingTenants, 4) : null;

    /// <summary>Churned and contraction MRR over MRR at the month's start; null without MRR at its start.</summary>
    public decimal? RevenueChurn =>
        StartMrrMinor > 0 ? Math.Round((decimal)(ChurnedMrrMinor + ContractionMrrMinor) / StartMrrMinor, 4) : null;

    /// <summary>Trials that ended paying over trials that ended in the month; null when none ended.</summary>
    public decimal? TrialConversion => TrialsEnded > 0 ? Math.Round((decimal)TrialsConverted / TrialsEnded, 4) : null;
}
