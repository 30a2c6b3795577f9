namespace Tollgate.Grains.Billing;

/// <summary>Credits a tenant can buy, at a price in minor units; paid through Stripe with <paramref name="StripePriceId"/>.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.CreditPackInfo")]
public sealed record CreditPackInfo(
    string Id, string Name, long Credits, long PriceMinor, string Currency, string? StripePriceId, bool Archived, DateTimeOffset UpdatedAt,
    IReadOnlyList<CurrencyPrice>? Prices = null)
{
    /// <summary>The pack's price in <paramref name="currency"/> (lower case, e.g. "cny"), or null when it has none.</summary>
    public long? PriceIn(string currency) => CurrencyPrice.Find(Prices, PriceMinor, Currency, currency);
}
