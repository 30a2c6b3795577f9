namespace Tollgate.Grains.Analytics;

/// <summary>One month's movements in one currency, summed: what happened in the month, not the totals at its end.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.MonthFigures")]
public sealed record MonthFigures(
    string Month, string Currency, long NewMrrMinor,
    long ExpansionMrrMinor, long ContractionMrrMinor, long ChurnedMrrMinor,
    int PayingDelta, int TrialsStarted, int TrialsConverted,
    long RevenueMinor)
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
    };
}
