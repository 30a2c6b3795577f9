using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Api.Payments;
using Tollgate.Grains;
using Tollgate.Grains.Billing;

namespace Tollgate.Api;

public sealed record WebhookResponse(bool Received, string Outcome, string? Reason = null);

/// <summary>
/// Stripe's webhook: the signature is checked on the raw body before anything is read; each event
/// is turned into one grain call that applies it once. A failure to apply answers 5xx, so Stripe
/// delivers it again; what cannot be applied (a foreign tenant, an event type Tollgate does not use)
/// answers 200 and is logged, so Stripe stops retrying. An event applies only to the tenant that owns
/// the customer it names, and each event id to one tenant at most (<see cref="IProviderEventGrain"/>).
/// </summary>
public static partial class StripeWebhookApi
{
    public static IEndpointRouteBuilder MapStripeWebhookApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/webhooks/stripe", ReceiveAsync)
            .WithName("ReceiveStripeEvent").WithSummary("Receive a signed Stripe event")
            .WithTags("Webhooks").AllowAnonymous().WithMetadata(new SecuritySchemes.SignedByStripe())
            .AnswersProblem(StatusCodes.Status400BadRequest,
                "The Stripe-Signature does not verify (`invalid_signature`), or the event is not one Stripe sends (`malformed_request`).")
            .AnswersProblem(StatusCodes.Status413PayloadTooLarge, "The request body is larger than 1 MB (`payload_too_large`).")
            .AnswersProblem(StatusCodes.Status503ServiceUnavailable,
                "`Stripe:WebhookSecret` is not set (`payments_not_configured`) or a silo is unavailable (`unavailable`); Stripe delivers again later.");
        return app;
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> ReceiveAsync(
        HttpContext http, IOptions<StripeOptions> options, IGrainFactory grains, IPaymentProvider provider,
        [FromKeyedServices(DomainClock.Key)] TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(StripeWebhookApi));
        if (options.Value.WebhookSecret is not { Length: > 0 } secret)
        {
            http.Response.Headers.RetryAfter = "30";
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "payments_not_configured", "Payments are not configured", "Set Stripe:WebhookSecret.");
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        // Signed as bytes; a body that is not UTF-8 decodes to other bytes and fails the check.
        var body = Encoding.UTF8.GetString(buffer.ToArray());
        var signatureError = StripeEvents.SignatureError(
            body, http.Request.Headers["Stripe-Signature"], secret, time.GetUtcNow(), options.Value.WebhookTolerance);
        if (signatureError is not null)
        {
            logger.LogWarning("Stripe webhook refused: {Reason}", signatureError);
            return Problems.Create(StatusCodes.Status400BadRequest, "invalid_signature", "Invalid signature", signatureError);
        }

        Event stripeEvent;
        try
        {
            stripeEvent = StripeEvents.Parse(body);
        }
        catch (FormatException exception)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "malformed_request", "Bad request", exception.Message);
        }
        var (id, type) = (stripeEvent.Id, stripeEvent.Type);

        var providerEvent = new ProviderEvent(id, type, new DateTimeOffset(stripeEvent.Created, TimeSpan.Zero));
        var actor = new AuditActor("webhook", $"stripe:{id}", http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
        try
        {
            var previousStatus = type.EndsWith(".updated", StringComparison.Ordinal) ? StripeEvents.PreviousStatus(body) : null;
            var outcome = await ApplyAsync(providerEvent, stripeEvent.Data.Object, previousStatus, grains, provider, actor, logger,
                http.RequestAborted);
            logger.LogInformation("Stripe event {EventId} ({Type}): {Outcome}", id, type, outcome.Outcome + (outcome.Reason is null ? "" : $" ({outcome.Reason})"));
            return TypedResults.Ok(outcome);
        }
        catch (FormatException exception)
        {
            logger.LogWarning("Stripe event {EventId} ({Type}) refused: {Reason}", id, type, exception.Message);
            return Problems.Create(StatusCodes.Status400BadRequest, "malformed_request", "Bad request", exception.Message);
        }
    }

    private static async Task<WebhookResponse> ApplyAsync(ProviderEvent providerEvent, IHasObject? stripeObject, string? previousStatus,
        IGrainFactory grains, IPaymentProvider provider, AuditActor actor, ILogger logger, CancellationToken cancellationToken)
    {
        var owners = new EventTenants(grains, providerEvent, actor, logger);
        switch (providerEvent.Type)
        {
            case "checkout.session.completed":
                var session = Expect<Stripe.Checkout.Session>(stripeObject, "checkout.session");
                if (session.Mode == "payment") return await CreditSessionAsync(session, owners, grains, provider, actor, cancellationToken);
                if (session.Mode != "subscription" || session.SubscriptionId is not { Length: > 0 } subscriptionId)
                    return new(true, "ignored", "not a subscription checkout");
                if (await owners.ResolveAsync(StripeObjects.TenantId(session), session.CustomerId) is { Refusal: { } checkoutRefusal })
                    return checkoutRefusal;
                var checkoutTenant = owners.TenantId!;
                // The session names the subscription but does not carry it: Stripe's current state of it is applied.
                var current = await provider.GetSubscriptionAsync(subscriptionId, cancellationToken);
                return Outcome(await grains.GetGrain<ISubscriptionGrain>(checkoutTenant).ApplyProviderSubscription(providerEvent, current, actor));

            case "customer.subscription.created" or "customer.subscription.updated" or "customer.subscription.deleted":
                var stripeSubscription = Expect<Subscription>(stripeObject, "subscription");
                var subscription = StripeObjects.Subscription(stripeSubscription);
                if (await owners.ResolveAsync(StripeObjects.TenantId(stripeSubscription), subscription.CustomerId) is { Refusal: { } subscriptionRefusal })
                    return subscriptionRefusal;
                var subscriptionTenant = owners.TenantId!;
                return Outcome(await grains.GetGrain<ISubscriptionGrain>(subscriptionTenant).ApplyProviderSubscription(providerEvent, subscription, actor));

            case "invoice.paid" or "invoice.payment_failed" or "invoice.payment_action_required":
                var stripeInvoice = Expect<Invoice>(stripeObject, "invoice");
                var invoice = StripeObjects.Invoice(stripeInvoice);
                if (await owners.ResolveAsync(StripeObjects.TenantId(stripeInvoice), invoice.CustomerId) is { Refusal: { } invoiceRefusal })
                    return invoiceRefusal;
                var invoiceTenant = owners.TenantId!;
                var payment = providerEvent.Type switch
                {
                    "invoice.paid" => PaymentOutcome.Succeeded,
                    "invoice.payment_failed" => PaymentOutcome.Failed,
                    _ => PaymentOutcome.ActionRequired,
                };
                return Outcome(await grains.GetGrain<ISubscriptionGrain>(invoiceTenant).ApplyProviderInvoice(providerEvent, invoice, payment, actor));

            case "checkout.session.async_payment_succeeded":
                return await CreditSessionAsync(
                    Expect<Stripe.Checkout.Session>(stripeObject, "checkout.session"), owners, grains, provider, actor, cancellationToken);

            case "payment_intent.succeeded" or "payment_intent.payment_failed":
                return await CreditPaymentAsync(providerEvent, Expect<PaymentIntent>(stripeObject, "payment_intent"), owners, grains,
                    actor);

            case "refund.created" or "refund.updated":
                return await RefundAsync(providerEvent, Expect<Refund>(stripeObject, "refund"), previousStatus, owners, grains, provider,
                    cancellationToken);

            default:
                return new(true, "ignored", "event type not used");
        }
    }

    /// <summary>The event's <c>data.object</c> as the type its event type promises.</summary>
    private static T Expect<T>(IHasObject? stripeObject, string objectType) where T : class =>
        stripeObject as T ?? throw new FormatException($"The event's data.object is not a {objectType}.");

    /// <summary>
    /// The tenant an event applies to: the one that owns the customer the event names (the customer
    /// Tollgate created for it), which the tenant in the object's metadata, if any, must be. The event id
    /// is then claimed for that tenant: an id another tenant has claimed applies nowhere else.
    /// </summary>
    private sealed class EventTenants(IGrainFactory grains, ProviderEvent providerEvent, AuditActor actor, ILogger logger)
    {
        public string? TenantId { get; private set; }

        public async Task<EventTenants> ResolveAsync(string? namedTenantId, string? customerId)
        {
            var owner = customerId is null ? null
                : await grains.GetGrain<IBillingCustomerGrain>(IBillingCustomerGrain.KeyFor(StripeObjects.Provider, customerId)).GetTenant();
            if (namedTenantId is not null && namedTenantId != owner)
            {
                logger.LogWarning("Stripe event {EventId} names tenant {TenantId}, which does not own customer {CustomerId} (owner: {Owner}); not applied",
                    providerEvent.Id, namedTenantId, customerId, owner ?? "none");
                var named = await grains.GetGrain<ITenantGrain>(namedTenantId).Get() is null ? null : namedTenantId;
                await Event.Refuse(named, namedTenantId, customerId, owner, actor);
                Refusal = new(true, "ignored", "the tenant does not own the customer");
            }
            else if (owner is null || await grains.GetGrain<ITenantGrain>(owner).Get() is null)
                Refusal = new(true, "ignored", "unknown tenant");
            else if (!await Event.Claim(owner))
            {
                logger.LogWarning("Stripe event {EventId} was applied to another tenant; not applied to {TenantId}", providerEvent.Id, owner);
                Refusal = new(true, WireNames.Of(ProviderEventOutcome.Duplicate), "applied to another tenant");
            }
            else TenantId = owner;
            return this;
        }

        public WebhookResponse? Refusal { get; private set; }

        private IProviderEventGrain Event => grains.GetGrain<IProviderEventGrain>(IProviderEventGrain.KeyFor(StripeObjects.Provider, providerEvent.Id));
    }

    private static WebhookResponse Outcome(ProviderEventOutcome outcome) => new(true, WireNames.Of(outcome));
}
