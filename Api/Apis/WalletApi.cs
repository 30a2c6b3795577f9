using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Grains.Credits;

namespace Tollgate.Api;

public sealed record WalletAnswer(long Balance, long Held, long Available, IReadOnlyList<CreditGrantView> Grants);
public sealed record AdminGrantRequest(
    [property: Required] long? Amount, int? Priority, DateTimeOffset? ExpiresAt, [property: Required] string? Source,
        [property: Required] string? Reason);
public sealed record AdminGrantAnswer(string? GrantId, long Balance, long Held, long Available);

/// <summary>A tenant's wallet as its members and apps read it (balance, grants, ledger), and the operator's grants and
/// adjustments.</summary>
public static class WalletApi
{
    /// <summary>The most one grant or adjustment moves: far from overflowing, far beyond any sane grant.</summary>
    public const long MaxGrant = 1_000_000_000_000;
    public const int MaxPriority = 1000;

    private static readonly string[] Columns =
        ["id", "at", "kind", "credits", "held", "balanceAfter", "heldAfter", "grantId", "spendId", "reservationId", "tool", "source",
         "actorType", "actorId", "idempotencyKey", "reason"];

    public static IEndpointRouteBuilder MapWalletApi(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup("/v1/tenants/{tenantId}/credits").WithTags("Credits").RequireAuthorization(AuthorizationPolicies.Caller);
        tenant.MapGet("", GetAsync)
            .WithName("GetCredits").WithSummary("Read a tenant's credit balance and live grants");
        tenant.MapGet("/ledger", LedgerAsync)
            .WithName("GetCreditLedger")
            .WithSummary("Read a tenant's credit ledger: every movement with the balance after it (JSON or CSV)")
            .TakesJournalQuery("kind", "Only this movement: grant, adjustment, spend, expiry, refund, hold, settle or release.",
                "movement");
        app.MapGroup("/v1/admin").WithTags("Admin").RequireOperator().MapPost("/tenants/{tenantId}/credits/grants", GrantAsync)
            .WithName("GrantCredits").WithSummary("Grant a tenant credits, or take some away with a negative adjustment (operator)")
            .TakesIdempotencyKey(StatusCodes.Status201Created)
            .AnswersProblem(StatusCodes.Status409Conflict,
                "A negative adjustment larger than the available balance (`exceeds_balance`); nothing changed.")
            .AnswersProblem(StatusCodes.Status422UnprocessableEntity,
                "The Idempotency-Key was used with another grant (`idempotency_key_reused`), "
                + "or the balance would pass the largest number it can hold (`credits_overflow`).");
        return app;
    }

    /// <summary>
    /// An API key reads the wallet with <c>credits:read</c> (see <see cref="TenantGuard.ActingForAsync"/>); people need to be
    /// in the tenant.
    /// </summary>
    private static async Task<ProblemHttpResult?> ReadAccessAsync(HttpContext http, TenantGuard guard, string tenantId) =>
        (await guard.ActingForAsync(http.User, tenantId, TenantPermission.Read, ApiKeyScopes.CreditsRead)).Problem;

    private static async Task<Results<Ok<WalletAnswer>, ProblemHttpResult>> GetAsync(string tenantId, HttpContext http,
        IGrainFactory grains, TenantGuard guard)
    {
        if (await ReadAccessAsync(http, guard, tenantId) is { } problem) return problem;
        var view = await grains.GetGrain<ICreditWalletGrain>(tenantId).GetView();
        return TypedResults.Ok(new WalletAnswer(view.Balance.Balance, view.Balance.Held, view.Balance.Available, view.Grants));
    }

    private static async Task<Results<Ok<JournalPage>, JournalExport.CsvResult, ProblemHttpResult>> LedgerAsync(
        string tenantId, HttpContext http, TenantGuard guard, IJournalReader journal)
    {
        if (await ReadAccessAsync(http, guard, tenantId) is { } problem) return problem;
        var inputs = new Inputs();
        if (JournalPages.Read(inputs, http.Request.Query, CreditLedger.Stream, tenantId, "kind") is not ({ } query,
            var csv)) return inputs.Problem();
        if (csv) return JournalExport.Csv(cancellation => journal.ReadAllAsync(query, cancellation), "credit-ledger.csv", Columns, CsvRow);
        return TypedResults.Ok(await JournalPages.PageAsync(journal, query, http.RequestAborted));
    }

    private static IEnumerable<string?> CsvRow(StoredJournalRecord record)
    {
        var item = JournalPages.Item(record);
        string? Text(string name) => item[name] is { } node ? node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>()
            : node.ToJsonString() : null;
        var actor = item["actor"];
        return
        [
            Text("id"), Text("at"), Text("kind"), Text("credits"), Text("held"), Text("balanceAfter"), Text("heldAfter"), Text("grantId"),
            Text("spendId"), Text("reservationId"), Text("tool"), Text("source"), actor?["type"]?.GetValue<string>(),
                actor?["id"]?.GetValue<string>(),
            Text("idempotencyKey"), Text("reason"),
        ];
    }

    private static async Task<Results<Created<AdminGrantAnswer>, ProblemHttpResult>> GrantAsync(
        string tenantId, AdminGrantRequest request, HttpContext http, IGrainFactory grains,
            [FromKeyedServices(DomainClock.Key)] TimeProvider clock)
    {
        var inputs = new Inputs();
        var key = inputs.IdempotencyKey(QuotaApi.IdempotencyHeader, http.Request.Headers[QuotaApi.IdempotencyHeader]);
        if (key is null && inputs.IsValid) inputs.Fail(QuotaApi.IdempotencyHeader,
            "An Idempotency-Key header is required: a retried grant must apply once.");
        if (request.Source is not (CreditSources.Promotion or CreditSources.Adjustment))
            inputs.Fail("source", "source must be promotion or adjustment.");
        if (request.Amount is not { } amount || amount == 0 || Math.Abs(amount) > MaxGrant)
            inputs.Fail("amount", $"amount must be a whole number of credits from -{MaxGrant} to {MaxGrant}, not 0.");
        else if (amount < 0 && request.Source == CreditSources.Promotion)
            inputs.Fail("amount", "A promotion gives credits; take credits away with source adjustment.");
        if (request.Priority is < -MaxPriority or > MaxPriority) inputs.Fail("priority",
            $"priority must be from -{MaxPriority} to {MaxPriority}.");
        var expiresAt = inputs.Expiry("expiresAt", request.ExpiresAt, clock.GetUtcNow());
        if (request.Amount < 0 && request.ExpiresAt is not null) inputs.Fail("expiresAt",
            "A negative adjustment takes credits now; it has no expiry.");
        var reason = inputs.Text("reason", request.Reason, required: true, maxLength: 500);
        if (!inputs.IsValid) return inputs.Problem();
        if (await grains.GetGrain<ITenantGrain>(tenantId).Get() is null) return Problems.NotFound("The tenant");
        var grant = new CreditGrant(request.Amount!.Value, request.Source!, request.Priority ?? 0, expiresAt, key!, reason);
        var result = await grains.GetGrain<ICreditWalletGrain>(tenantId).Grant(grant, http.Actor());
        if (result.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        return result.Outcome switch
        {
            GrantOutcome.Granted => TypedResults.Created($"/v1/tenants/{tenantId}/credits",
                new AdminGrantAnswer(result.GrantId, result.Balance.Balance, result.Balance.Held, result.Balance.Available)),
            GrantOutcome.KeyReused => Problems.IdempotencyKeyReused(),
            GrantOutcome.ExceedsBalance => Problems.Conflict("exceeds_balance",
                $"The adjustment takes more than the {result.Balance.Available} credits available; nothing changed."),
            _ => Problems.Create(StatusCodes.Status422UnprocessableEntity, "credits_overflow", "Credits out of range",
                $"The balance would pass {long.MaxValue}. Nothing was changed."),
        };
    }
}
