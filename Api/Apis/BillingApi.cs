using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Api.Payments;
using Tollgate.Grains;
using Tollgate.Grains.Billing;

namespace Tollgate.Api;

public sealed record CheckoutRequestBody([property: Required] string? PlanId, [property: Required] string? SuccessUrl, [property: Required] string? CancelUrl);
public sealed record CheckoutResponse(string SessionId, string Url);
public sealed record BillingPortalRequest([property: Required] string? ReturnUrl);
public sealed record BillingPortalResponse(string Url);

public sealed record InvoiceResponse(
    string Id, string? Number, string Status, long AmountDue, long AmountPaid, string Currency, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd,
    string Provider, string? SubscriptionId, string CustomerId, string? HostedInvoiceUrl, string? InvoicePdf, string? BillingReason, DateTimeOffset CreatedAt);

public sealed record PaymentResponse(
    string Id, string Status, long Amount, string Currency, string Provider, string InvoiceId, string? SubscriptionId,
    int AttemptCount, DateTimeOffset? NextAttemptAt, DateTimeOffset At);

/// <summary>Paying: Stripe Checkout and the billing portal, and the tenant's invoices and payments.</summary>
public static class BillingApi
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    // A tenant's billing history is read whole: tens of records a year.
    private const int MaxRecords = 10_000;

    public static IEndpointRouteBuilder MapBillingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/tenants/{tenantId}").WithTags("Billing").RequireAuthorization(AuthorizationPolicies.Caller);
        api.MapPost("/checkout", CheckoutAsync)
            .WithName("StartCheckout").WithSummary("Start a Stripe Checkout session for a plan")
            .RequireTenantPermission(TenantPermission.ManageBilling)
            .TakesIdempotencyKey(StatusCodes.Status201Created).CallsPaymentProvider()
            .AnswersProblem(StatusCodes.Status404NotFound, "The tenant, or the plan, is not there (`not_found`).")
            .AnswersProblem(StatusCodes.Status409Conflict,
                "The plan has no `stripePriceId` (`plan_not_purchasable`), or the tenant already pays through the provider (`already_subscribed`).");
        api.MapPost("/billing-portal", PortalAsync)
            .WithName("OpenBillingPortal").WithSummary("Open the Stripe billing portal")
            .RequireTenantPermission(TenantPermission.ManageBilling)
            .CallsPaymentProvider();
        api.MapGet("/invoices", InvoicesAsync)
            .WithName("ListInvoices").WithSummary("List a tenant's invoices")
            .RequireTenantPermission(TenantPermission.ManageBilling);
        api.MapGet("/payments", PaymentsAsync)
            .WithName("ListPayments").WithSummary("List a tenant's payment attempts")
            .RequireTenantPermission(TenantPermission.ManageBilling);
        return app;
    }

    internal static async Task<Results<Created<CheckoutResponse>, ProblemHttpResult>> CheckoutAsync(
        string tenantId, CheckoutRequestBody request, HttpContext http, IGrainFactory grains, IPaymentProvider provider)
    {
        var inputs = new Inputs();
        if (string.IsNullOrWhiteSpace(request.PlanId)) inputs.Fail("planId", "planId is required.");
        var successUrl = WebUrl(inputs, "successUrl", request.SuccessUrl);
        var cancelUrl = WebUrl(inputs, "cancelUrl", request.CancelUrl);
        // A client's Idempotency-Key makes its retries return the same session; without one, each call is a new session.
        // At most 200: Stripe takes keys of up to 255, and ours is prefixed with the tenant.
        var clientKey = inputs.IdempotencyKey(QuotaApi.IdempotencyHeader, http.Request.Headers[QuotaApi.IdempotencyHeader], maxLength: 200);
        if (!inputs.IsValid) return inputs.Problem();
        var kept = clientKey is null ? null : grains.GetGrain<IIdempotencyKeyGrain>(IIdempotencyKeyGrain.KeyFor("checkout", tenantId, clientKey));
        var fingerprint = JsonSerializer.Serialize(new CheckoutRequestBody(request.PlanId, successUrl!.AbsoluteUri, cancelUrl!.AbsoluteUri));
        if (kept is not null && await kept.Get() is { } first)
        {
            if (first.Fingerprint != fingerprint) return Problems.IdempotencyKeyReused();
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Created((string?)null, JsonSerializer.Deserialize<CheckoutResponse>(first.Answer, Web)!);
        }

        var plan = (await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get()).Plan(request.PlanId!);
        if (plan is null || plan.Archived) return Problems.NotFound($"Plan '{request.PlanId}'");
        if (plan.StripePriceId is null) return Problems.Conflict("plan_not_purchasable", $"Plan '{plan.Id}' has no stripePriceId: it cannot be bought through checkout.");
        var subscription = await grains.GetGrain<ISubscriptionGrain>(tenantId).Get();
        if (subscription is { Source: SubscriptionSource.Provider, ProviderSubscription: { } paid })
            return Problems.Conflict("already_subscribed", $"The tenant already pays through {paid.Provider} (subscription {paid.SubscriptionId}): change plans in the billing portal.");

        var customerId = await BillingCustomers.EnsureAsync(grains, provider, tenantId, http.Actor(), http.RequestAborted);
        var key = clientKey is not null ? $"tollgate-checkout-{tenantId}-{clientKey}" : $"tollgate-checkout-{Guid.NewGuid():N}";
        var session = await provider.CreateCheckoutSessionAsync(new CheckoutRequest(tenantId, customerId, plan.StripePriceId, plan.TrialDays, successUrl!, cancelUrl!), key, http.RequestAborted);
        await grains.GetGrain<ITenantGrain>(tenantId).RecordBillingSession(provider.Name, "checkout", session.Id, plan.Id, http.Actor());
        var response = new CheckoutResponse(session.Id, session.Url.AbsoluteUri);
        // The key is bound to this request from now on: the same request replays this answer, another is refused.
        if (kept is not null) await kept.Keep(fingerprint, JsonSerializer.Serialize(response, Web));
        return TypedResults.Created((string?)null, response);
    }

    internal static async Task<Results<Created<BillingPortalResponse>, ProblemHttpResult>> PortalAsync(
        string tenantId, BillingPortalRequest request, HttpContext http, IGrainFactory grains, IPaymentProvider provider)
    {
        var inputs = new Inputs();
        var returnUrl = WebUrl(inputs, "returnUrl", request.ReturnUrl);
        if (!inputs.IsValid) return inputs.Problem();
        var customerId = await BillingCustomers.EnsureAsync(grains, provider, tenantId, http.Actor(), http.RequestAborted);
        var url = await provider.CreatePortalSessionAsync(customerId, returnUrl!, http.RequestAborted);
        await grains.GetGrain<ITenantGrain>(tenantId).RecordBillingSession(provider.Name, "billing_portal", null, null, http.Actor());
        return TypedResults.Created((string?)null, new BillingPortalResponse(url.AbsoluteUri));
    }

    /// <summary>Newest first; an invoice reported several times (open, then paid) is listed once, as last reported.</summary>
    internal static async Task<Ok<List<InvoiceResponse>>> InvoicesAsync(string tenantId, IJournalReader journal, HttpContext http)
    {
        var records = await journal.ReadAsync(new JournalQuery(BillingJournal.Invoices) { Scope = tenantId, Limit = MaxRecords }, http.RequestAborted);
        var invoices = records.DistinctBy(r => r.Name).Select(r => JsonSerializer.Deserialize<ProviderInvoice>(r.Payload, BillingJournal.Json)!)
            .OrderByDescending(i => i.Created).ThenByDescending(i => i.Id, StringComparer.Ordinal)
            .Select(i => new InvoiceResponse(i.Id, i.Number, i.Status, i.AmountDue, i.AmountPaid, i.Currency, i.PeriodStart, i.PeriodEnd,
                i.Provider, i.SubscriptionId, i.CustomerId, i.HostedInvoiceUrl, i.InvoicePdf, i.BillingReason, i.Created));
        return TypedResults.Ok(invoices.ToList());
    }

    private static async Task<Ok<List<PaymentResponse>>> PaymentsAsync(string tenantId, IJournalReader journal, HttpContext http) =>
        TypedResults.Ok(await ReadPaymentsAsync(journal, tenantId, http.RequestAborted));

    /// <summary>The tenant's payment attempts, newest first, as the API lists them and the console's tenant page shows them.</summary>
    internal static async Task<List<PaymentResponse>> ReadPaymentsAsync(
        IJournalReader journal, string tenantId, CancellationToken cancellationToken)
    {
        var query = new JournalQuery(BillingJournal.Payments) { Scope = tenantId, Limit = MaxRecords };
        var records = await journal.ReadAsync(query, cancellationToken);
        return records.Select(r => JsonSerializer.Deserialize<PaymentRecord>(r.Payload, BillingJournal.Json)!)
            .Select(p => new PaymentResponse(p.Id, WireNames.Of(p.Status), p.Amount, p.Currency, p.Provider, p.InvoiceId, p.SubscriptionId,
                p.AttemptCount, p.NextAttemptAt, p.At))
            .ToList();
    }

    /// <summary>An absolute http(s) URL: where the provider sends the customer back.</summary>
    internal static Uri? WebUrl(Inputs inputs, string field, string? value)
    {
        if (value is { Length: > 0 and <= 2048 } && Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" && url.Host.Length > 0)
            return url;
        inputs.Fail(field, $"{field} must be an absolute http or https URL.");
        return null;
    }
}
