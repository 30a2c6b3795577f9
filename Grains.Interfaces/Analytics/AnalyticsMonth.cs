namespace Tollgate.Grains.Analytics;

/// <summary>One month and currency as the operator reads it: the totals at the month's end (or now, for the current month)
/// and the month's movements.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.AnalyticsMonth")]
public sealed record AnalyticsMonth(
    string Month, string Currency, long MrrMinor, long NewMrrMinor,
    long ExpansionMrrMinor, long ContractionMrrMinor, long ChurnedMrrMinor,
    int PayingTenants, long ArpuMinor, int TrialsStarted,
    int TrialsConverted, long RevenueMinor);
