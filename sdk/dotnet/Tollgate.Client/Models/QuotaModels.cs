namespace Tollgate.Client;

/// <summary>The body of <c>POST /v1/quota/consume</c> and <c>/check</c>: how much of a quota type, for which tenant.</summary>
/// <param name="QuotaType">The quota type, named <c>{appId}/{key}</c>.</param>
/// <param name="Amount">A whole number greater than 0.</param>
/// <param name="TenantId">The tenant; needed with a platform key, optional (and must be its own) with a tenant's key.</param>
public sealed record QuotaRequest(string QuotaType, long Amount, string? TenantId = null);

/// <summary>
/// The body of <c>POST /v1/quota/refund</c>: the consume to give back, by its <paramref name="ConsumeId"/> or by the
/// <paramref name="IdempotencyKey"/> it was made with (one of the two).
/// </summary>
public sealed record QuotaRefundRequest(
    string QuotaType, long Amount, string? ConsumeId = null, string? IdempotencyKey = null, string? TenantId = null);

/// <summary>What <c>/v1/quota/check</c> answers: whether the amount fits, and the quota's numbers.</summary>
public sealed record QuotaCheckResponse(bool Allowed, long Limit, long Used, long Remaining, DateTimeOffset? ResetsAt);

/// <summary>What an allowed <c>/v1/quota/consume</c> answers; <see cref="ConsumeId"/> names it for a refund.</summary>
public sealed record QuotaConsumeResponse(bool Allowed, long Limit, long Used, long Remaining, DateTimeOffset? ResetsAt, string ConsumeId)
    : ReplayableResponse;

/// <summary>What <c>/v1/quota/refund</c> answers: how much was given back, and the quota's numbers after it.</summary>
public sealed record QuotaRefundResponse(long Refunded, long Limit, long Used, long Remaining, DateTimeOffset? ResetsAt)
    : ReplayableResponse;

/// <summary>One of a tenant's quotas, as <c>GET /v1/tenants/{tenantId}/quotas</c> lists them.</summary>
public sealed record QuotaStatusResponse(string QuotaType, long Limit, long Used, long Remaining, DateTimeOffset? ResetsAt);
