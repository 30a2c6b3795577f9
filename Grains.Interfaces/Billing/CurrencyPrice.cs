namespace Tollgate.Grains.Billing;

/// <summary>A price in one currency, in its minor unit (cents, fen).</summary>
/// <param name="Currency">ISO 4217, lower case, as Stripe writes it ("usd", "cny").</param>
[GenerateSerializer, Immutable, Alias("tollgate.CurrencyPrice")]
public sealed record CurrencyPrice(string Currency, long AmountMinor)
{
    /// <summary>The price in <paramref name="currency"/> among <paramref name="prices"/>, falling back to the single price of
    /// items stored before they had several.</summary>
    public static long? Find(IReadOnlyList<CurrencyPrice>? prices, long priceMinor, string priceCurrency, string currency)
    {
        if (prices is null) return string.Equals(priceCurrency, currency, StringComparison.OrdinalIgnoreCase) ? priceMinor : null;
        foreach (var price in prices)
            if (string.Equals(price.Currency, currency, StringComparison.OrdinalIgnoreCase)) return price.AmountMinor;
        return null;
    }
}
