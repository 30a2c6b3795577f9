namespace Tollgate.Grains.Analytics;

/// <summary>One month's revenue movements in one currency, summed as they happen; keyed "yyyy-MM/currency"
/// (<see cref="KeyOf"/>).</summary>
[Alias("tollgate.IRevenueMonthGrain")]
public interface IRevenueMonthGrain : IGrainWithStringKey
{
    static string KeyOf(string month, string currency) => $"{month}/{currency}";

    /// <summary>Adds the movements not added before (by <see cref="RevenueMovement.Id"/>): a redelivery adds nothing.</summary>
    Task Apply(IReadOnlyList<RevenueMovement> movements);

    Task<MonthFigures> Get();
}
