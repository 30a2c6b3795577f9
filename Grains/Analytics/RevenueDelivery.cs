namespace Tollgate.Grains.Analytics;

/// <summary>
/// Hands a grain's pending revenue movements to the month grains. The movements are stored with the change that made them
/// (in the same write), so none is lost to a crash; they leave the list only once their month grain has them, and a month
/// grain adds a movement once, so a delivery repeated after a failure counts nothing twice.
/// </summary>
public static class RevenueDelivery
{
    /// <summary>Delivers <paramref name="pending"/>, removing what was delivered; true when any was (the caller stores the rest).</summary>
    public static async Task<bool> DeliverAsync(IGrainFactory grains, List<RevenueMovement> pending)
    {
        if (pending.Count == 0) return false;
        var currencies = grains.GetGrain<IRevenueCurrenciesGrain>(IRevenueCurrenciesGrain.Key);
        foreach (var group in pending.GroupBy(m => (m.Month, m.Currency)).ToList())
        {
            // The currency is known before its month has figures: a reader never misses a month with movements.
            await currencies.Add(group.Key.Currency, group.Key.Month);
            await grains.GetGrain<IRevenueMonthGrain>(IRevenueMonthGrain.KeyOf(group.Key.Month, group.Key.Currency)).Apply([.. group]);
            pending.RemoveAll(group.Contains);
        }
        return true;
    }
}
