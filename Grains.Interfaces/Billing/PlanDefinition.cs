using System.Text.Json;

namespace Tollgate.Grains.Billing;

/// <summary>What an operator sends to create or change a plan.</summary>
/// <param name="GraceDays">How long a past-due subscription keeps its quotas before they are suspended.</param>
/// <param name="MonthlyCredits">Credits granted with every period (source <c>plan_refill</c>).</param>
/// <param name="Prices">
/// Prices in further currencies; the first, when given, must be <see cref="PriceMinor"/> in <see cref="Currency"/>.
/// </param>
/// <param name="CreditsRollOver">Whether refilled credits outlive their period; by default they expire at its end.</param>
[GenerateSerializer, Immutable, Alias("tollgate.PlanDefinition")]
public sealed record PlanDefinition(
    string Name, string? Description, long PriceMinor, string Currency, BillingInterval Interval, int TrialDays, int GraceDays,
    IReadOnlyDictionary<string, long> Quotas, IReadOnlyDictionary<string, JsonElement> Features, string? StripePriceId, bool IsDefault,
    long MonthlyCredits = 0, bool CreditsRollOver = false, IReadOnlyList<CurrencyPrice>? Prices = null);
