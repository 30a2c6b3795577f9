namespace Tollgate.Grains.Analytics;

/// <summary>The currencies revenue was counted in, each with its first month: where a reader of the month grains starts.</summary>
[Alias("tollgate.IRevenueCurrenciesGrain")]
public interface IRevenueCurrenciesGrain : IGrainWithStringKey
{
    const string Key = "all";

    Task Add(string currency, string month);

    /// <summary>Each currency's first month, "yyyy-MM".</summary>
    Task<IReadOnlyDictionary<string, string>> Get();
}
