using System.Text.Json;

namespace Tollgate.Grains.Billing;

/// <summary>What an operator sends to create or change a plan.</summary>
/// <param name="GraceDays">How long a past-due subscription keeps its quotas before they are suspended.</param>
[GenerateSerializer, Immutable, Alias("tollgate.PlanDefinition")]
public sealed record PlanDefinition(
    string Name, string? Description, long PriceMinor, string Currency, BillingInterval Interval, int TrialDays, int GraceDays,
    IReadOnlyDictionary<string, long> Quotas, IReadOnlyDictionary<string, JsonElement> Features, string? StripePriceId, bool IsDefault);
