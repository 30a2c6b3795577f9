namespace Tollgate.Grains.Analytics;

/// <summary>One month's movements in one currency, summed: what happened in the month, not the totals at its end.</summary>
/// <param name="RevenueByProvider">Revenue split by who took the payment; sums to <see cref="RevenueMinor"/>.</param>
/// <param name="RevenueByPlan">Revenue split by what was paid for (<see cref="RevenueMovement.Plan"/>); sums to
/// <see cref="RevenueMinor"/>.</param>
[GenerateSerializer, Immutable, Alias("tollgate.MonthFigures")]
public sealed record MonthFigures(
    string Month, string Currency, long NewMrrMinor,
    long ExpansionMrrMinor, long ContractionMrrMinor, long ChurnedMrrMinor,
    int PayingDelta, int TrialsStarted, int TrialsConverted,
    long RevenueMinor, int TenantsChurned = 0, int TrialsEnded = 0,
    IReadOnlyDictionary<string, long>? RevenueByProvider = null, IReadOnlyDictionary<string, long>? RevenueByPlan = null)
{
    public long NetMrrMinor => NewMrrMinor + ExpansionMrrMinor - ContractionMrrMinor - ChurnedMrrMinor;

    public static MonthFigures Empty(string month, string currency) => new(month, currency, 0, 0, 0, 0, 0, 0, 0, 0);

    public MonthFigures Plus(RevenueMovement m) => this with
    {
        NewMrrMinor = NewMrrMinor + m.NewMrrMinor,
        ExpansionMrrMinor = ExpansionMrrMinor + m.ExpansionMrrMinor,
        ContractionMrrMinor = ContractionMrrMinor + m.ContractionMrrMinor,
        ChurnedMrrMinor = ChurnedMrrMinor + m.ChurnedMrrMinor,
        PayingDelta = PayingDelta + m.PayingDelta,
        TrialsStarted = TrialsStarted + m.TrialsStarted,
        TrialsConverted = TrialsConverted + m.TrialsConverted,
        RevenueMinor = RevenueMinor + m.RevenueMinor,
        TenantsChurned = TenantsChurned + m.TenantsChurned,
        TrialsEnded = TrialsEnded + m.TrialsEnded,
        RevenueByProvider = m.RevenueMinor == 0 ? RevenueByProvider
            : Add(RevenueByProvider, m.Provider ?? RevenueMovement.Unattributed, m.RevenueMinor),
        RevenueByPlan = m.RevenueMinor == 0 ? RevenueByPlan : Add(RevenueByPlan, m.Plan ?? RevenueMovement.Unattributed, m.RevenueMinor),
    };

    private static Dictionary<string, long> Add(IReadOnlyDictionary<string, long>? sums, string key, long amount)
    {
        var added = new Dictionary<string, long>(sums ?? new Dictionary<string, long>(), StringComparer.Ordinal);
        added[key] = added.GetValueOrDefault(key) + amount;
        return added;
    }
}
