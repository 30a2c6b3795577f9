namespace Tollgate.Client;

/// <summary>The body of <c>POST /v1/credits/consume</c>: spend <paramref name="Units"/> of a tool's price.</summary>
/// <param name="Tool">The tool, named <c>{appId}/{key}</c>.</param>
/// <param name="Units">A whole number greater than 0; the credits spent are the tool's credits per unit times this.</param>
/// <param name="TenantId">The tenant; needed with a platform key, optional (and must be its own) with a tenant's key.</param>
public sealed record CreditsConsumeRequest(string Tool, long Units, string? TenantId = null);

/// <summary>
/// The body of <c>POST /v1/credits/refund</c>: the spend to give back, by its <paramref name="SpendId"/> or by the
/// <paramref name="IdempotencyKey"/> it was made with; <paramref name="Credits"/> null gives back all that is left of it.
/// </summary>
public sealed record CreditsRefundRequest(
    string? SpendId = null, string? IdempotencyKey = null, long? Credits = null, string? TenantId = null);

/// <summary>The body of <c>POST /v1/credits/reservations</c>: hold a tool's price for <paramref name="TtlSeconds"/> (1-86400).</summary>
public sealed record ReservationRequest(string Tool, long Units, long TtlSeconds, string? TenantId = null);

/// <summary>The body of <c>POST /v1/credits/reservations/{id}/settle</c>: the units the job used (at most what is held).</summary>
public sealed record SettleReservationRequest(long Units, string? TenantId = null);

/// <summary>The body of <c>POST /v1/credits/reservations/{id}/release</c>.</summary>
public sealed record ReleaseReservationRequest(string? TenantId = null);

/// <summary>What a spend answers: the wallet after it, what was spent, and the <see cref="SpendId"/> to refund it by.</summary>
public sealed record CreditsConsumeResponse(long Balance, long Held, long Available, long Spent, string SpendId) : ReplayableResponse;

/// <summary>What a credits refund answers: how many credits came back, and the wallet after it.</summary>
public sealed record CreditsRefundResponse(long Refunded, long Balance, long Held, long Available, string SpendId) : ReplayableResponse;

/// <summary>A reservation made: its <see cref="Id"/>, the credits it holds and until when.</summary>
public sealed record ReservationResponse(string Id, long Held, DateTimeOffset ExpiresAt, long Balance, long Available) : ReplayableResponse;

/// <summary>A reservation settled: what was spent (with its <see cref="SpendId"/>, null when nothing) and released.</summary>
public sealed record SettleReservationResponse(long Spent, long Released, string? SpendId, long Balance, long Held, long Available)
    : ReplayableResponse;

/// <summary>A reservation released: the credits it gave back.</summary>
public sealed record ReleaseReservationResponse(long Released, long Balance, long Held, long Available) : ReplayableResponse;

/// <summary>A tenant's wallet, as <c>GET /v1/tenants/{tenantId}/credits</c> answers it; grants in spend order.</summary>
public sealed record CreditsBalanceResponse(long Balance, long Held, long Available, IReadOnlyList<CreditGrantResponse> Grants);

/// <summary>One grant of credits in a wallet.</summary>
public sealed record CreditGrantResponse(string Id, string Source, int Priority, long Remaining, DateTimeOffset? ExpiresAt);
