using System.Text.Json;

namespace Tollgate.Grains.Billing;

/// <summary>A plan as stored: <see cref="Version"/> grows with every change.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.PlanInfo")]
public sealed record PlanInfo(
    string Id, string Name, string? Description, long PriceMinor, string Currency, BillingInterval Interval, int TrialDays, int GraceDays,
    IReadOnlyDictionary<string, long> Quotas, IReadOnlyDictionary<string, JsonElement> Features, string? StripePriceId,
    bool IsDefault, bool Archived, int Version, DateTimeOffset UpdatedAt, long MonthlyCredits = 0, bool CreditsRollOver = false)
{
    public bool IsFree => PriceMinor == 0;
}
