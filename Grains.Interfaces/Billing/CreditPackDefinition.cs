namespace Tollgate.Grains.Billing;

/// <summary>What an operator sends to create or change a credit pack.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.CreditPackDefinition")]
public sealed record CreditPackDefinition(string Name, long Credits, long PriceMinor, string Currency, string? StripePriceId,
    IReadOnlyList<CurrencyPrice>? Prices = null);
