using System.Text.Json;

namespace Tollgate.Grains.Billing;

/// <summary>A plan as stored: <see cref="Version"/> grows with every change.</summary>
/// <param name="Prices">Every price of the plan, one per currency; the first is <see cref="PriceMinor"/> in <see cref="Currency"/>.
/// Null for plans stored before plans had several prices.</param>
[GenerateSerializer, Immutable, Alias("tollgate.PlanInfo")]
public sealed record PlanInfo(
    string Id, string Name, string? Description, long PriceMinor, string Currency, BillingInterval Interval, int TrialDays, int GraceDays,
    IReadOnlyDictionary<string, long> Quotas, IReadOnlyDictionary<string, JsonElement> Features, string? StripePriceId,
    bool IsDefault, bool Archived, int Version, DateTimeOffset UpdatedAt, long MonthlyCredits = 0, bool CreditsRollOver = false,
    IReadOnlyList<CurrencyPrice>? Prices = null)
{
    public bool IsFree => PriceMinor == 0;

    /// <summary>The plan's price in <paramref name="currency"/> (lower case, e.g. "cny"), or null when it has none.</summary>
    public long? PriceIn(string currency) => CurrencyPrice.Find(Prices, PriceMinor, Currency, currency);
}
