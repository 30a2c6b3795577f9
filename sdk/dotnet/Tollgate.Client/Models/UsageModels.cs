namespace Tollgate.Client;

/// <summary>What <c>GET /v1/tenants/{tenantId}/usage</c> reports; every field is optional.</summary>
/// <param name="From">The first instant counted.</param>
/// <param name="To">The instant counting stops, excluded.</param>
/// <param name="QuotaType">Only this quota type.</param>
/// <param name="GroupBy"><c>day</c> (Tollgate's default) or <c>month</c>.</param>
public sealed record UsageQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, string? QuotaType = null, string? GroupBy = null);

/// <summary>Usage totals per period and quota type.</summary>
public sealed record UsageResponse(string GroupBy, IReadOnlyList<UsageTotalResponse> Items);

/// <summary>One period's totals of one quota type.</summary>
public sealed record UsageTotalResponse(string Period, string QuotaType, long Consumed, long Refunded, long Net);
