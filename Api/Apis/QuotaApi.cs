using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Api.Telemetry;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Quotas;

namespace Tollgate.Api;

public sealed record QuotaRequest([property: Required] string? QuotaType, [property: Required] long? Amount, string? TenantId);
/// <summary>Names the consume to refund by <paramref name="ConsumeId"/> or by the <paramref name="IdempotencyKey"/> it was made with.</summary>
public sealed record RefundRequest([property: Required] string? QuotaType, [property: Required] long? Amount, string? ConsumeId, string? IdempotencyKey, string? TenantId);
public sealed record QuotaAnswer(bool Allowed, long Limit, long Used, long Remaining, DateTimeOffset? ResetsAt);
public sealed record ConsumeAnswer(bool Allowed, long Limit, long Used, long Remaining, DateTimeOffset? ResetsAt, string ConsumeId);
public sealed record RefundAnswer(long Refunded, long Limit, long Used, long Remaining, DateTimeOffset? ResetsAt);

/// <summary>
/// The hot path: apps check and deduct quota before doing work. 200 when allowed, 402 with
/// nothing deducted when not; both carry the remaining amount in the body and in X-Quota-* headers.
/// </summary>
public static class QuotaApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    private const string QuotaExceeded = "The amount does not fit in what remains (`quota_exceeded`, with the quota's numbers); nothing was deducted.";
    private const string UnknownQuotaOrTenant =
        "The quota type does not exist (`unknown_quota_type`), or the tenant is not the API key's, not one the caller is in, "
        + "or (named to a platform key) not there (`not_found`).";
    private const string KeyReusedOrOverflow =
        "The Idempotency-Key was used with a different request in the last 24 hours (`idempotency_key_reused`), or the day's usage total "
        + "would pass the largest number it can hold (`total_overflow`); nothing was changed.";

    public static IEndpointRouteBuilder MapQuotaApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/quota").WithTags("Quota").RequireAuthorization(AuthorizationPolicies.Caller)
            .AnswersProblem(StatusCodes.Status429TooManyRequests,
                "This API key made too many quota calls (`rate_limited`, when `RateLimits:Quota` is on); try again after `Retry-After` seconds.");
        api.MapPost("/consume", ConsumeAsync)
            .WithName("ConsumeQuota").WithSummary("Deduct quota, or answer 402 with nothing deducted")
            .AnswersProblem(StatusCodes.Status402PaymentRequired, QuotaExceeded, ProblemSchemas.QuotaExceeded)
            .AnswersProblem(StatusCodes.Status404NotFound, UnknownQuotaOrTenant)
            .TakesIdempotencyKey(StatusCodes.Status200OK, StatusCodes.Status402PaymentRequired)
            .AnswersProblem(StatusCodes.Status422UnprocessableEntity, KeyReusedOrOverflow)
            .AnswersQuotaHeaders(required: true, StatusCodes.Status200OK, StatusCodes.Status402PaymentRequired);
        api.MapPost("/check", CheckAsync)
            .WithName("CheckQuota").WithSummary("Ask whether an amount fits, deducting nothing")
            .AnswersProblem(StatusCodes.Status402PaymentRequired, QuotaExceeded, ProblemSchemas.QuotaExceeded)
            .AnswersProblem(StatusCodes.Status404NotFound, UnknownQuotaOrTenant)
            .AnswersQuotaHeaders(required: true, StatusCodes.Status200OK, StatusCodes.Status402PaymentRequired);
        api.MapPost("/refund", RefundAsync)
            .WithName("RefundQuota").WithSummary("Give back some or all of a consume")
            .AnswersProblem(StatusCodes.Status404NotFound,
                UnknownQuotaOrTenant + " Or no allowed consume of this quota type has this consumeId or idempotencyKey in the last 24 hours (`unknown_consume`).")
            .AnswersProblem(StatusCodes.Status409Conflict,
                "The consume was refunded in full (`already_refunded`), has less left to give back than asked (`refund_exceeds_consume`, "
                + "with `refundable`), or its quota window has ended (`window_reset`); nothing was refunded.")
            .TakesIdempotencyKey(StatusCodes.Status200OK)
            .AnswersProblem(StatusCodes.Status422UnprocessableEntity, KeyReusedOrOverflow)
            .AnswersQuotaHeaders(required: true, StatusCodes.Status200OK)
            .AnswersQuotaHeaders(required: false, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        app.MapGet("/v1/tenants/{tenantId}/quotas", ListAsync)
            .WithName("ListQuotas").WithSummary("List a tenant's quotas with what remains")
            .WithTags("Quota").RequireAuthorization(AuthorizationPolicies.Caller);
        return app;
    }

    private static async Task<Results<Ok<ConsumeAnswer>, ProblemHttpResult>> ConsumeAsync(
        QuotaRequest request, HttpContext http, QuotaCounters counters, TenantGuard guard, KnownQuotaTypes quotaTypes)
    {
        var (tenantId, problem) = await guard.ActingForAsync(http.User, request.TenantId, TenantPermission.UseQuota,
            ApiKeyScopes.QuotaConsume);
        if (problem is not null)
        {
            QuotaMetrics.Consumed(problem.StatusCode == StatusCodes.Status400BadRequest
                ? QuotaMetrics.Outcome.Invalid
                : QuotaMetrics.Outcome.Refused);
            return problem;
        }
        var inputs = new Inputs();
        var (quotaType, amount) = Validate(inputs, request.QuotaType, request.Amount);
        var key = inputs.IdempotencyKey("idempotencyKey", http.Request.Headers[IdempotencyHeader]);
        if (!inputs.IsValid)
        {
            QuotaMetrics.Consumed(QuotaMetrics.Outcome.Invalid);
            return inputs.Problem();
        }
        if (!await quotaTypes.ExistsAsync(quotaType!))
        {
            QuotaMetrics.Consumed(QuotaMetrics.Outcome.UnknownQuotaType);
            return UnknownQuotaType(quotaType!);
        }
        var counter = counters.For(tenantId!, quotaType!);
        var result = await ConflictRetry.RunAsync(() => counter.Consume(amount, key, http.Actor()));
        if (result.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        QuotaMetrics.Consumed(MetricOutcome(result));
        return result switch
        {
            { Outcome: ConsumeOutcome.KeyReused } => Problems.IdempotencyKeyReused(),
            { Outcome: ConsumeOutcome.TotalOverflow } => TotalOverflow(quotaType!),
            { Outcome: ConsumeOutcome.Allowed, Status: { } status } => Allowed(http, status, result.ConsumeId!),
            { Outcome: ConsumeOutcome.Exceeded, Status: { } status } => Exceeded(http, status, quotaType!),
            _ => UnknownQuotaType(quotaType!),
        };
    }

    private static string MetricOutcome(ConsumeResult result) => result switch
    {
        { Replayed: true } => QuotaMetrics.Outcome.Replayed,
        { Outcome: ConsumeOutcome.Allowed } => QuotaMetrics.Outcome.Allowed,
        { Outcome: ConsumeOutcome.Exceeded } => QuotaMetrics.Outcome.Exceeded,
        { Outcome: ConsumeOutcome.KeyReused or ConsumeOutcome.TotalOverflow } => QuotaMetrics.Outcome.Invalid,
        _ => QuotaMetrics.Outcome.UnknownQuotaType,
    };

    private static async Task<Results<Ok<QuotaAnswer>, ProblemHttpResult>> CheckAsync(
        QuotaRequest request, HttpContext http, QuotaCounters counters, TenantGuard guard, KnownQuotaTypes quotaTypes)
    {
        var (tenantId, problem) = await guard.ActingForAsync(http.User, request.TenantId, TenantPermission.Read,
            ApiKeyScopes.QuotaConsume, ApiKeyScopes.QuotaRead);
        if (problem is not null) return problem;
        var inputs = new Inputs();
        var (quotaType, amount) = Validate(inputs, request.QuotaType, request.Amount);
        if (!inputs.IsValid) return inputs.Problem();
        if (!await quotaTypes.ExistsAsync(quotaType!)) return UnknownQuotaType(quotaType!);
        var counter = counters.For(tenantId!, quotaType!);
        var result = await ConflictRetry.RunAsync(() => counter.Check(amount));
        if (result.Status is not { } status) return UnknownQuotaType(quotaType!);
        SetHeaders(http, status);
        return result.Outcome == ConsumeOutcome.Allowed
            ? TypedResults.Ok(new QuotaAnswer(true, status.Limit, status.Used, status.Remaining, status.ResetsAt))
            : Exceeded(http, status, quotaType!);
    }

    private static async Task<Results<Ok<RefundAnswer>, ProblemHttpResult>> RefundAsync(
        RefundRequest request, HttpContext http, QuotaCounters counters, TenantGuard guard, KnownQuotaTypes quotaTypes)
    {
        var (tenantId, problem) = await guard.ActingForAsync(http.User, request.TenantId, TenantPermission.UseQuota,
            ApiKeyScopes.QuotaConsume);
        if (problem is not null) return problem;
        var inputs = new Inputs();
        var (quotaType, amount) = Validate(inputs, request.QuotaType, request.Amount);
        var consumeKey = inputs.IdempotencyKey("idempotencyKey", request.IdempotencyKey);
        var consumeId = request.ConsumeId;
        if (consumeId is not null && (consumeId.Length is 0 or > 100 || Inputs.HasForbiddenCharacters(consumeId)))
            inputs.Fail("consumeId", "consumeId must be the consumeId a consume answered.");
        else if ((consumeId is null) == (consumeKey is null) && inputs.IsValid)
            inputs.Fail("consumeId", "Name the consume to refund by its consumeId or by its idempotencyKey (one of the two).");
        var refundKey = inputs.IdempotencyKey(IdempotencyHeader, http.Request.Headers[IdempotencyHeader]);
        if (!inputs.IsValid) return inputs.Problem();
        if (!await quotaTypes.ExistsAsync(quotaType!)) return UnknownQuotaType(quotaType!);
        var counter = counters.For(tenantId!, quotaType!);
        var result = await ConflictRetry.RunAsync(() => counter.Refund(new QuotaRefund(amount, consumeId, consumeKey, refundKey), http.Actor()));
        if (result.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        var status = result.Status;
        if (status is not null) SetHeaders(http, status);
        return result.Outcome switch
        {
            RefundOutcome.Refunded => TypedResults.Ok(new RefundAnswer(result.Refunded, status!.Limit, status.Used, status.Remaining, status.ResetsAt)),
            RefundOutcome.UnknownQuotaType => UnknownQuotaType(quotaType!),
            RefundOutcome.UnknownConsume => Problems.Create(StatusCodes.Status404NotFound, "unknown_consume", "Not found",
                "No allowed consume of this quota type with this consumeId or idempotency key in the last 24 hours."),
            RefundOutcome.AlreadyRefunded => Problems.Conflict("already_refunded", "This consume was already refunded in full."),
            RefundOutcome.ExceedsConsume => Problems.Create(StatusCodes.Status409Conflict, "refund_exceeds_consume", "Conflict",
                $"This consume has {result.Refundable} left to give back; nothing was refunded.",
                new Dictionary<string, object?> { ["refundable"] = result.Refundable }),
            RefundOutcome.KeyReused => Problems.IdempotencyKeyReused(),
            RefundOutcome.TotalOverflow => TotalOverflow(quotaType!),
            _ => Problems.Conflict("window_reset", "The quota window of this consume has ended; there is nothing to give back."),
        };
    }

    private static async Task<Results<Ok<List<QuotaStatus>>, ProblemHttpResult>> ListAsync(
        string tenantId, HttpContext http, IGrainFactory grains, QuotaCounters counters, TenantGuard guard)
    {
        var (_, problem) = await guard.ActingForAsync(http.User, tenantId, TenantPermission.Read, ApiKeyScopes.QuotaRead);
        if (problem is not null) return problem;
        return TypedResults.Ok(await StatusesAsync(grains, counters, tenantId));
    }

    /// <summary>Each quota the tenant has a counter for or is entitled to, with what remains; the console shows them too.</summary>
    internal static async Task<List<QuotaStatus>> StatusesAsync(IGrainFactory grains, QuotaCounters counters, string tenantId)
    {
        var quotaTypes = await grains.GetGrain<ISubscriptionGrain>(tenantId).GetQuotaTypes();
        var statuses = await Task.WhenAll(quotaTypes.Select(q => counters.For(tenantId, q).Get()));
        return statuses.OfType<QuotaStatus>().ToList();
    }

    private static (string? QuotaType, long Amount) Validate(Inputs inputs, string? quotaType, long? amount)
    {
        if (string.IsNullOrWhiteSpace(quotaType) || quotaType.Length > 200 || Inputs.HasForbiddenCharacters(quotaType) || !quotaType.Contains('/'))
            inputs.Fail("quotaType", "quotaType is required, named \"{appId}/{key}\".");
        if (amount is not > 0) inputs.Fail("amount", "amount must be a whole number greater than 0.");
        return (quotaType, amount ?? 0);
    }

    private static ProblemHttpResult TotalOverflow(string quotaType) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "total_overflow", "Total out of range",
            $"The day's usage total of {quotaType} cannot take this amount: it would pass {long.MaxValue}. Nothing was changed.");

    private static Ok<ConsumeAnswer> Allowed(HttpContext http, QuotaStatus status, string consumeId)
    {
        SetHeaders(http, status);
        return TypedResults.Ok(new ConsumeAnswer(true, status.Limit, status.Used, status.Remaining, status.ResetsAt, consumeId));
    }

    private static ProblemHttpResult Exceeded(HttpContext http, QuotaStatus status, string quotaType)
    {
        SetHeaders(http, status);
        return Problems.Create(StatusCodes.Status402PaymentRequired, "quota_exceeded", "Quota exceeded",
            $"The request needs more of {quotaType} than remains; nothing was deducted.",
            new Dictionary<string, object?>
            {
                ["allowed"] = false, ["limit"] = status.Limit, ["used"] = status.Used, ["remaining"] = status.Remaining, ["resetsAt"] = status.ResetsAt,
            });
    }

    private static ProblemHttpResult UnknownQuotaType(string quotaType) =>
        Problems.Create(StatusCodes.Status404NotFound, "unknown_quota_type", "Not found", $"There is no quota type '{quotaType}'.");

    private static void SetHeaders(HttpContext http, QuotaStatus status)
    {
        http.Response.Headers["X-Quota-Limit"] = status.Limit.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-Quota-Remaining"] = status.Remaining.ToString(CultureInfo.InvariantCulture);
        if (status.ResetsAt is { } resetsAt) http.Response.Headers["X-Quota-Reset"] = resetsAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }
}
