namespace Tollgate.Grains.Billing;

/// <summary>What a counter needs to decide consumes: its limit and how its window is anchored.</summary>
/// <param name="Known">False when the catalog has no such quota type.</param>
[GenerateSerializer, Immutable, Alias("tollgate.QuotaEntitlement")]
public sealed record QuotaEntitlement(bool Known, long Limit, QuotaWindow Window, DateTimeOffset Anchor);
