using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Api.Payments;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Credits;

namespace Tollgate.Api;

public sealed record CreditCheckoutRequest([property: Required] string? PackId, [property: Required] string? SuccessUrl,
    [property: Required] string? CancelUrl);
public sealed record AutoTopUpRequest(
    [property: Required] long? Threshold, [property: Required] string? PackId, [property: Required] int? MaxPerMonth, bool? Enabled,
    string? PaymentMethodId);

/// <summary>Buying credits: a pack through Stripe Checkout, and automatic purchases when the balance runs low.</summary>
public static partial class CreditPurchaseApi
{
    private static readonly JsonSerializerOptions s_web = new(JsonSerializerDefaults.Web);

    /// <summary>At most this many automatic purchases a month: a limit against runaway spending, not a business rule.</summary>
    private const int MaxChargesPerMonth = 100;

    [GeneratedRegex("^pm_[A-Za-z0-9_]{1,250}$")]
    private static partial Regex PaymentMethodId();

    public static IEndpointRouteBuilder MapCreditPurchaseApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/tenants/{tenantId}/credits").WithTags("Credits").RequireAuthorization(AuthorizationPolicies.Caller);
        api.MapPost("/checkout", CheckoutAsync)
            .WithName("StartCreditCheckout").WithSummary("Start a Stripe Checkout session to buy a credit pack")
            .RequireTenantPermission(TenantPermission.ManageBilling)
            .TakesIdempotencyKey(StatusCodes.Status201Created).CallsPaymentProvider()
            .AnswersProblem(StatusCodes.Status404NotFound, "The tenant, or the credit pack, is not there (`not_found`).")
            .AnswersProblem(StatusCodes.Status409Conflict, "The credit pack has no `stripePriceId` (`pack_not_purchasable`).");
        api.MapGet("/auto-top-up", async (string tenantId, IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<IAutoTopUpGrain>(tenantId).Get()))
            .WithName("GetAutoTopUp").WithSummary("Read the tenant's auto top-up: settings, this month's charges, the last failure")
            .RequireTenantPermission(TenantPermission.ManageBilling);
        api.MapPut("/auto-top-up", ConfigureAutoTopUpAsync)
            .WithName("SetAutoTopUp").WithSummary("Set the tenant's auto top-up")
            .RequireTenantPermission(TenantPermission.ManageBilling)
            .AnswersProblem(StatusCodes.Status404NotFound, "The tenant, or the credit pack, is not there (`not_found`).")
            .AnswersProblem(StatusCodes.Status409Conflict, "The credit pack has no `stripePriceId` (`pack_not_purchasable`).");
        return app;
    }

    private static async Task<Results<Created<CheckoutResponse>, ProblemHttpResult>> CheckoutAsync(
        string tenantId, CreditCheckoutRequest request, HttpContext http, IGrainFactory grains, IPaymentProvider provider)
    {
        var inputs = new Inputs();
        if (string.IsNullOrWhiteSpace(request.PackId)) inputs.Fail("packId", "packId is required.");
        var successUrl = BillingApi.WebUrl(inputs, "successUrl", request.SuccessUrl);
        var cancelUrl = BillingApi.WebUrl(inputs, "cancelUrl", request.CancelUrl);
        // As for plan checkout: at most 200, since Stripe takes keys of up to 255 and ours is prefixed.
        var clientKey = inputs.IdempotencyKey(QuotaApi.IdempotencyHeader, http.Request.Headers[QuotaApi.IdempotencyHeader], maxLength: 200);
        if (!inputs.IsValid) return inputs.Problem();
        var kept = clientKey is null ? null : grains.GetGrain<IIdempotencyKeyGrain>(IIdempotencyKeyGrain.KeyFor("credits-checkout",
            tenantId, clientKey));
        var fingerprint = JsonSerializer.Serialize(new CreditCheckoutRequest(request.PackId, successUrl!.AbsoluteUri,
            cancelUrl!.AbsoluteUri));
        if (kept is not null && await kept.Get() is { } first)
        {
            if (first.Fingerprint != fingerprint) return Problems.IdempotencyKeyReused();
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Created((string?)null, JsonSerializer.Deserialize<CheckoutResponse>(first.Answer, s_web)!);
        }

        if (await PackOnSaleAsync(grains, request.PackId!) is not { } pack) return Problems.NotFound($"Credit pack '{request.PackId}'");
        if (pack.StripePriceId is null) return NotPurchasable(pack);
        var customerId = await BillingCustomers.EnsureAsync(grains, provider, tenantId, http.Actor(), http.RequestAborted);
        var key = clientKey is not null
            ? $"tollgate-credits-checkout-{tenantId}-{clientKey}"
            : $"tollgate-credits-checkout-{Guid.NewGuid():N}";
        var metadata = CreditPurchases.Metadata(CreditPurchases.PackPurchase, tenantId, pack.Id, pack.Credits);
        var session = await provider.CreatePaymentCheckoutSessionAsync(
            new PaymentCheckoutRequest(tenantId, customerId, pack.StripePriceId, metadata, successUrl!,
                cancelUrl!), key, http.RequestAborted);
        await grains.GetGrain<ITenantGrain>(tenantId).RecordBillingSession(provider.Name, "credits_checkout", session.Id, pack.Id,
            http.Actor());
        var response = new CheckoutResponse(session.Id, session.Url.AbsoluteUri);
        if (kept is not null) await kept.Keep(fingerprint, JsonSerializer.Serialize(response, s_web));
        return TypedResults.Created((string?)null, response);
    }

    private static async Task<Results<Ok<AutoTopUpInfo>, ProblemHttpResult>> ConfigureAutoTopUpAsync(
        string tenantId, AutoTopUpRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        if (request.Threshold is not (>= 1 and <= 1_000_000_000_000)) inputs.Fail("threshold",
            "threshold is required: a whole number of credits from 1.");
        if (string.IsNullOrWhiteSpace(request.PackId)) inputs.Fail("packId", "packId is required.");
        if (request.MaxPerMonth is not (>= 1 and <= MaxChargesPerMonth))
            inputs.Fail("maxPerMonth", $"maxPerMonth is required: from 1 to {MaxChargesPerMonth} purchases a calendar month.");
        if (request.PaymentMethodId is not null && !PaymentMethodId().IsMatch(request.PaymentMethodId))
            inputs.Fail("paymentMethodId", "paymentMethodId must be a Stripe payment method id (pm_...).");
        if (!inputs.IsValid) return inputs.Problem();
        if (await PackOnSaleAsync(grains, request.PackId!) is not { } pack) return Problems.NotFound($"Credit pack '{request.PackId}'");
        if (pack.StripePriceId is null) return NotPurchasable(pack);
        var settings = new AutoTopUpSettings(request.Threshold!.Value, pack.Id, request.MaxPerMonth!.Value, request.Enabled ?? true,
            request.PaymentMethodId);
        return TypedResults.Ok(await grains.GetGrain<IAutoTopUpGrain>(tenantId).Configure(settings, http.Actor()));
    }

    private static async Task<CreditPackInfo?> PackOnSaleAsync(IGrainFactory grains, string packId) =>
        (await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get()).CreditPack(packId) is { Archived: false } pack ? pack : null;

    private static ProblemHttpResult NotPurchasable(CreditPackInfo pack) =>
        Problems.Conflict("pack_not_purchasable", $"Credit pack '{pack.Id}' has no stripePriceId: it cannot be bought through checkout.");
}
