using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Grains.Credits;

namespace Tollgate.Api;

public sealed record CreditConsumeRequest([property: Required] string? Tool, [property: Required] long? Units, string? TenantId);
/// <summary>Names the spend to refund by <paramref name="SpendId"/> or by the <paramref name="IdempotencyKey"/> it was made with.</summary>
public sealed record CreditRefundRequest(string? SpendId, string? IdempotencyKey, long? Credits, string? TenantId);
public sealed record ReservationRequest([property: Required] string? Tool, [property: Required] long? Units,
    [property: Required] long? TtlSeconds, string? TenantId);
public sealed record SettleRequest([property: Required] long? Units, string? TenantId);
public sealed record ReleaseRequest(string? TenantId);
public sealed record CreditSpendAnswer(long Balance, long Held, long Available, long Spent, string SpendId);
public sealed record CreditRefundAnswer(long Refunded, long Balance, long Held, long Available, string SpendId);
public sealed record ReservationAnswer(string Id, long Held, DateTimeOffset ExpiresAt, long Balance, long Available);
public sealed record SettleAnswer(long Spent, long Released, string? SpendId, long Balance, long Held, long Available);
public sealed record ReleaseAnswer(long Released, long Balance, long Held, long Available);

/// <summary>
/// Apps spend a tenant's credits per use of a tool: 200 when the credits are there, 402 with nothing
/// spent when not. Reservations hold credits for a long job and settle what it used.
/// </summary>
public static class CreditsApi
{
    public const string RemainingHeader = "X-Credits-Remaining";
    private const long MaxUnits = 1_000_000_000_000;
    private const string Insufficient =
        "The tenant's available credits do not cover this (`insufficient_credits`, with `needed` and the balance); nothing was spent.";
    private const string UnknownToolOrTenant =
        "The tool does not exist (`unknown_tool`), or the tenant is not the API key's, not one the caller is in, "
        + "or (named to a platform key) not there (`not_found`).";
    private const string KeyReusedOrOverflow =
        "The Idempotency-Key was used with a different request in the last 24 hours (`idempotency_key_reused`), or the credits "
        + "would pass the largest number they can hold (`credits_overflow`); nothing was changed.";

    public static IEndpointRouteBuilder MapCreditsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/credits").WithTags("Credits").RequireAuthorization(AuthorizationPolicies.Caller);
        api.MapPost("/consume", ConsumeAsync)
            .WithName("ConsumeCredits").WithSummary("Spend credits for a use of a tool, or answer 402 with nothing spent")
            .AnswersProblem(StatusCodes.Status402PaymentRequired, Insufficient)
            .AnswersProblem(StatusCodes.Status404NotFound, UnknownToolOrTenant)
            .TakesIdempotencyKey(StatusCodes.Status200OK, StatusCodes.Status402PaymentRequired)
            .AnswersProblem(StatusCodes.Status422UnprocessableEntity, KeyReusedOrOverflow)
            .AnswersHeader(ContractHeaders.CreditsRemaining, required: true, StatusCodes.Status200OK, StatusCodes.Status402PaymentRequired);
        api.MapPost("/refund", RefundAsync)
            .WithName("RefundCredits").WithSummary("Give back some or all of a spend to the grants it came from")
            .AnswersProblem(StatusCodes.Status404NotFound,
                "No spend of the tenant has this spendId or idempotencyKey in the last 24 hours (`unknown_spend`), "
                + "or the tenant is not the caller's (`not_found`).")
            .AnswersProblem(StatusCodes.Status409Conflict,
                "The spend was refunded in full (`already_refunded`) or has less left to give back than asked "
                + "(`refund_exceeds_spend`, with `refundable`); nothing was refunded.")
            .TakesIdempotencyKey(StatusCodes.Status200OK)
            .AnswersProblem(StatusCodes.Status422UnprocessableEntity, KeyReusedOrOverflow)
            .AnswersHeader(ContractHeaders.CreditsRemaining, required: true, StatusCodes.Status200OK);
        api.MapPost("/reservations", ReserveAsync)
            .WithName("ReserveCredits").WithSummary("Hold credits for a use of a tool until settled, released or its TTL has passed")
            .AnswersProblem(StatusCodes.Status402PaymentRequired, Insufficient.Replace("spent", "held"))
            .AnswersProblem(StatusCodes.Status404NotFound, UnknownToolOrTenant)
            .TakesIdempotencyKey(StatusCodes.Status201Created, StatusCodes.Status402PaymentRequired)
            .AnswersProblem(StatusCodes.Status422UnprocessableEntity, KeyReusedOrOverflow)
            .AnswersHeader(ContractHeaders.CreditsRemaining, required: true, StatusCodes.Status201Created,
                StatusCodes.Status402PaymentRequired);
        api.MapPost("/reservations/{reservationId}/settle", SettleAsync)
            .WithName("SettleReservation")
            .WithSummary("Spend what a job used of its reservation (at most what is held) and release the rest")
            .AnswersReservationProblems();
        api.MapPost("/reservations/{reservationId}/release", ReleaseAsync)
            .WithName("ReleaseReservation").WithSummary("Give back all that a reservation holds")
            .AnswersReservationProblems();
        return app;
    }

    private static RouteHandlerBuilder AnswersReservationProblems(this RouteHandlerBuilder endpoint) => endpoint
        .AnswersProblem(StatusCodes.Status404NotFound,
            "The tenant has no reservation with this id (`unknown_reservation`), or the tenant is not the caller's (`not_found`).")
        .AnswersProblem(StatusCodes.Status409Conflict,
            "The reservation was settled, released or ran out already (`reservation_ended`); nothing changed.")
        .TakesIdempotencyKey(StatusCodes.Status200OK)
        .AnswersHeader(ContractHeaders.CreditsRemaining, required: true, StatusCodes.Status200OK);

    private static async Task<Results<Ok<CreditSpendAnswer>, ProblemHttpResult>> ConsumeAsync(
        CreditConsumeRequest request, HttpContext http, IGrainFactory grains, TenantGuard guard, KnownQuotaTypes catalog)
    {
        var inputs = new Inputs();
        var (use, problem) = await UseAsync(http, guard, catalog, inputs, request.TenantId, request.Tool, request.Units);
        if (problem is not null) return problem;
        var (tenantId, tool, units, credits, key) = use!.Value;
        var result = await Wallet(grains, tenantId).Spend(new CreditSpend(tool, units, credits, key), http.Actor());
        return Answer(http, result, credits, () => TypedResults.Ok(
            new CreditSpendAnswer(result.Balance.Balance, result.Balance.Held, result.Balance.Available, result.Credits, result.Id!)));
    }

    private static async Task<Results<Ok<CreditRefundAnswer>, ProblemHttpResult>> RefundAsync(
        CreditRefundRequest request, HttpContext http, IGrainFactory grains, TenantGuard guard)
    {
        var (tenantId, problem) = await guard.ActingForAsync(http.User, request.TenantId, TenantPermission.UseCredits,
            ApiKeyScopes.CreditsConsume);
        if (problem is not null) return problem;
        var inputs = new Inputs();
        var spendKey = inputs.IdempotencyKey("idempotencyKey", request.IdempotencyKey);
        var spendId = request.SpendId;
        if (spendId is not null && (spendId.Length is 0 or > 100 || Inputs.HasForbiddenCharacters(spendId)))
            inputs.Fail("spendId", "spendId must be the spendId a consume or settle answered.");
        else if ((spendId is null) == (spendKey is null) && inputs.IsValid)
            inputs.Fail("spendId", "Name the spend to refund by its spendId or by its idempotencyKey (one of the two).");
        if (request.Credits is <= 0) inputs.Fail("credits",
            "credits must be a whole number greater than 0, or left out to refund all that is left.");
        var refundKey = inputs.IdempotencyKey(QuotaApi.IdempotencyHeader, http.Request.Headers[QuotaApi.IdempotencyHeader]);
        if (!inputs.IsValid) return inputs.Problem();
        var result = await Wallet(grains, tenantId!).Refund(new CreditRefund(spendId, spendKey, request.Credits, refundKey), http.Actor());
        return Answer(http, result, 0, () => TypedResults.Ok(
            new CreditRefundAnswer(result.Credits, result.Balance.Balance, result.Balance.Held, result.Balance.Available, result.Id!)));
    }

    private static async Task<Results<Created<ReservationAnswer>, ProblemHttpResult>> ReserveAsync(
        ReservationRequest request, HttpContext http, IGrainFactory grains, TenantGuard guard, KnownQuotaTypes catalog)
    {
        var inputs = new Inputs();
        var maxTtl = (long)CreditHoldRequest.MaxTtl.TotalSeconds;
        if (request.TtlSeconds is not (>= 1 and var ttl) || ttl > maxTtl)
            inputs.Fail("ttlSeconds", $"ttlSeconds must be a whole number from 1 to {maxTtl} (24 hours).");
        var (use, problem) = await UseAsync(http, guard, catalog, inputs, request.TenantId, request.Tool, request.Units);
        if (problem is not null) return problem;
        var (tenantId, tool, units, credits, key) = use!.Value;
        var hold = new CreditHoldRequest(tool, units, credits, TimeSpan.FromSeconds(request.TtlSeconds!.Value), key);
        var result = await Wallet(grains, tenantId).Hold(hold, http.Actor());
        return Answer(http, result, credits, () => TypedResults.Created($"/v1/credits/reservations/{result.Id}",
            new ReservationAnswer(result.Id!, result.Credits, result.ExpiresAt!.Value, result.Balance.Balance, result.Balance.Available)));
    }

    private static async Task<Results<Ok<SettleAnswer>, ProblemHttpResult>> SettleAsync(
        string reservationId, SettleRequest request, HttpContext http, IGrainFactory grains, TenantGuard guard)
    {
        var (tenantId, problem) = await guard.ActingForAsync(http.User, request.TenantId, TenantPermission.UseCredits,
            ApiKeyScopes.CreditsConsume);
        if (problem is not null) return problem;
        var inputs = new Inputs();
        if (request.Units is not (>= 0 and <= MaxUnits)) inputs.Fail("units", $"units must be a whole number from 0 to {MaxUnits}.");
        var key = inputs.IdempotencyKey(QuotaApi.IdempotencyHeader, http.Request.Headers[QuotaApi.IdempotencyHeader]);
        if (!inputs.IsValid) return inputs.Problem();
        var result = await Wallet(grains, tenantId!).Settle(reservationId, request.Units!.Value, key, http.Actor());
        return Answer(http, result, 0, () => TypedResults.Ok(new SettleAnswer(result.Credits, result.Released, result.Id,
            result.Balance.Balance, result.Balance.Held, result.Balance.Available)));
    }

    private static async Task<Results<Ok<ReleaseAnswer>, ProblemHttpResult>> ReleaseAsync(
        string reservationId, ReleaseRequest? request, HttpContext http, IGrainFactory grains, TenantGuard guard)
    {
        var (tenantId, problem) = await guard.ActingForAsync(http.User, request?.TenantId, TenantPermission.UseCredits,
            ApiKeyScopes.CreditsConsume);
        if (problem is not null) return problem;
        var inputs = new Inputs();
        var key = inputs.IdempotencyKey(QuotaApi.IdempotencyHeader, http.Request.Headers[QuotaApi.IdempotencyHeader]);
        if (!inputs.IsValid) return inputs.Problem();
        var result = await Wallet(grains, tenantId!).Release(reservationId, key, http.Actor());
        return Answer(http, result, 0, () => TypedResults.Ok(
            new ReleaseAnswer(result.Credits, result.Balance.Balance, result.Balance.Held, result.Balance.Available)));
    }

    private static ICreditWalletGrain Wallet(IGrainFactory grains, string tenantId) => grains.GetGrain<ICreditWalletGrain>(tenantId);

    /// <summary>What <paramref name="units"/> of a tool cost; null when that passes the largest number credits can be.</summary>
    private static long? Credits(long creditsPerUnit, long units)
    {
        try
        {
            return checked(creditsPerUnit * units);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// What a spend or reservation asks for: the caller's tenant, the tool, the units and what they cost, and its
    /// Idempotency-Key; or the problem to answer (with the errors <paramref name="inputs"/> gathered before).
    /// </summary>
    private static async Task<((string TenantId, string Tool, long Units, long Credits, string? Key)? Use,
        ProblemHttpResult? Problem)> UseAsync(
        HttpContext http, TenantGuard guard, KnownQuotaTypes catalog, Inputs inputs, string? tenantId, string? toolId, long? units)
    {
        var (tenant, problem) = await guard.ActingForAsync(http.User, tenantId, TenantPermission.UseCredits, ApiKeyScopes.CreditsConsume);
        if (problem is not null) return (null, problem);
        if (string.IsNullOrWhiteSpace(toolId) || toolId.Length > 200 || Inputs.HasForbiddenCharacters(toolId) || !toolId.Contains('/'))
            inputs.Fail("tool", "tool is required, named \"{appId}/{key}\".");
        if (units is not (> 0 and <= MaxUnits)) inputs.Fail("units", $"units must be a whole number from 1 to {MaxUnits}.");
        var key = inputs.IdempotencyKey(QuotaApi.IdempotencyHeader, http.Request.Headers[QuotaApi.IdempotencyHeader]);
        if (!inputs.IsValid) return (null, inputs.Problem());
        if (await catalog.ToolAsync(toolId!) is not { } tool) return (null, UnknownTool(toolId!));
        if (Credits(tool.CreditsPerUnit, units!.Value) is not { } credits) return (null, CreditsOverflow());
        return ((tenant!, tool.Id, units.Value, credits, key), null);
    }

    /// <summary>The answer to a wallet call: <paramref name="success"/> when done, else its problem; the available balance in a
    /// header.</summary>
    private static Results<TSuccess, ProblemHttpResult> Answer<TSuccess>(HttpContext http, WalletResult result, long needed,
        Func<TSuccess> success)
        where TSuccess : IResult
    {
        if (result.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        var balance = result.Balance;
        if (result.Outcome is WalletOutcome.Done or WalletOutcome.Insufficient)
            http.Response.Headers[RemainingHeader] = balance.Available.ToString(CultureInfo.InvariantCulture);
        return result.Outcome switch
        {
            WalletOutcome.Done => success(),
            WalletOutcome.Insufficient => Problems.Create(StatusCodes.Status402PaymentRequired, "insufficient_credits",
                "Insufficient credits",
                $"This needs {needed} credits and {balance.Available} are available; nothing was spent.",
                new Dictionary<string, object?>
                {
                    ["needed"] = needed, ["balance"] = balance.Balance, ["held"] = balance.Held,
                    ["available"] = balance.Available
                }),
            WalletOutcome.KeyReused => Problems.IdempotencyKeyReused(),
            WalletOutcome.Overflow => CreditsOverflow(),
            WalletOutcome.UnknownSpend => Problems.Create(StatusCodes.Status404NotFound, "unknown_spend", "Not found",
                "No spend of this tenant has this spendId or idempotency key in the last 24 hours."),
            WalletOutcome.AlreadyRefunded => Problems.Conflict("already_refunded", "This spend was already refunded in full."),
            WalletOutcome.ExceedsSpend => Problems.Create(StatusCodes.Status409Conflict, "refund_exceeds_spend", "Conflict",
                $"This spend has {result.Refundable} left to give back; nothing was refunded.",
                new Dictionary<string, object?> { ["refundable"] = result.Refundable }),
            WalletOutcome.UnknownReservation => Problems.Create(StatusCodes.Status404NotFound, "unknown_reservation", "Not found",
                "This tenant has no reservation with this id."),
            _ => Problems.Conflict("reservation_ended", "This reservation was settled, released or ran out already; nothing changed."),
        };
    }

    private static ProblemHttpResult UnknownTool(string tool) =>
        Problems.Create(StatusCodes.Status404NotFound, "unknown_tool", "Not found", $"There is no tool '{tool}'.");

    private static ProblemHttpResult CreditsOverflow() =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "credits_overflow", "Credits out of range",
            $"The credits of this request would pass {long.MaxValue}. Nothing was changed.");
}
