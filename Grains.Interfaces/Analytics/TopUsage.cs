namespace Tollgate.Grains.Analytics;

/// <summary>
/// The tenants that used the most of one quota type in one month ("yyyy-MM"), most first: only tenants whose rank is known
/// (<see cref="ITopUsageGrain"/>), so after refunds the list may be shorter than asked for.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.TopUsage")]
public sealed record TopUsage(string Month, string QuotaType, IReadOnlyList<TenantUsage> Tenants);
