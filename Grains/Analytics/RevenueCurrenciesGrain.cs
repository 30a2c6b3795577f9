namespace Tollgate.Grains.Analytics;

public sealed class RevenueCurrenciesState
{
    public Dictionary<string, string> FirstMonths { get; set; } = [];
}

[GrainType("revenue-currencies")]
public sealed class RevenueCurrenciesGrain(
    [PersistentState("currencies", StorageNames.Default)] IPersistentState<RevenueCurrenciesState> currencies)
    : TollgateGrain, IRevenueCurrenciesGrain, IStateShownOnDashboard
{
    public Task<string> GetDashboardState() => DashboardStateJson.Of(currencies.State);

    public async Task Add(string currency, string month)
    {
        var first = currencies.State.FirstMonths;
        if (first.TryGetValue(currency, out var known) && string.CompareOrdinal(known, month) <= 0) return;
        first[currency] = month;
        await currencies.WriteStateAsync();
    }

    public Task<IReadOnlyDictionary<string, string>> Get() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(currencies.State.FirstMonths));
}
