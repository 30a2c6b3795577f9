using Stripe;
using Tollgate.Api.Payments;
using Tollgate.Grains;
using Tollgate.Grains.Analytics;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Credits;

namespace Tollgate.Api;

/// <summary>
/// Stripe's events about credit purchases. A pack is granted once per payment: the Checkout Session's events
/// (<c>checkout.session.completed</c> when paid, <c>checkout.session.async_payment_succeeded</c>) and the payment's
/// (<c>payment_intent.succeeded</c>) grant under the same key, the payment's id, in whatever order and however often
/// they arrive. An auto top-up's payment grants when it succeeds and stops auto top-up when it fails.
/// </summary>
public static partial class StripeWebhookApi
{
    private static async Task<WebhookResponse> CreditSessionAsync(Stripe.Checkout.Session session, EventTenants owners,
        IGrainFactory grains,
        IPaymentProvider provider, AuditActor actor, CancellationToken cancellationToken)
    {
        if (CreditPurchases.Read(session.Metadata) is not { Purpose: CreditPurchases.PackPurchase } purchase)
            return new(true, "ignored", "not a credit purchase");
        // A delayed payment method completes the session unpaid; checkout.session.async_payment_succeeded follows.
        if (session.PaymentStatus != "paid") return new(true, "ignored", "not paid yet");
        if (await owners.ResolveAsync(StripeObjects.TenantId(session), session.CustomerId) is { Refusal: { } refusal }) return refusal;
        var tenantId = owners.TenantId!;
        var granted = await GrantPackAsync(grains, tenantId, session.PaymentIntentId ?? session.Id, purchase, actor);
        // The session names its payment but does not carry it: the method it was paid with is read from Stripe.
        if (session.PaymentIntentId is { } paymentId && (await provider.GetPaymentAsync(paymentId,
            cancellationToken)).PaymentMethodId is { } method)
            await grains.GetGrain<IAutoTopUpGrain>(tenantId).SavePaymentMethod(method, actor);
        return Outcome(granted);
    }

    private static async Task<WebhookResponse> CreditPaymentAsync(
        ProviderEvent providerEvent, PaymentIntent intent, EventTenants owners, IGrainFactory grains, AuditActor actor)
    {
        // Subscriptions' invoices are paid by payments too: those carry no credit purchase.
        if (CreditPurchases.Read(intent.Metadata) is not { } purchase) return new(true, "ignored", "not a credit purchase");
        if (await owners.ResolveAsync(StripeObjects.TenantId(intent), intent.CustomerId) is { Refusal: { } refusal }) return refusal;
        var autoTopUp = grains.GetGrain<IAutoTopUpGrain>(owners.TenantId!);
        var chargeKey = intent.Metadata?.GetValueOrDefault(CreditPurchases.ChargeKey);
        if (providerEvent.Type == "payment_intent.payment_failed")
        {
            // A failed checkout payment is the customer's to retry on the page; only an automatic one needs recording.
            if (purchase.Purpose != CreditPurchases.AutoTopUp) return new(true, "ignored", "a failed checkout payment");
            await autoTopUp.ChargeFailed(intent.Id, chargeKey, intent.LastPaymentError?.Code, intent.LastPaymentError?.Message, actor);
            return new(true, WireNames.Of(ProviderEventOutcome.Applied));
        }
        if (purchase.Purpose == CreditPurchases.AutoTopUp)
            return await CountedAsync(grains, providerEvent, intent, await autoTopUp.ChargeSucceeded(intent.Id, chargeKey, purchase.Credits,
                actor));
        var granted = await GrantPackAsync(grains, owners.TenantId!, intent.Id, purchase, actor);
        if (intent.PaymentMethodId is { Length: > 0 } method) await autoTopUp.SavePaymentMethod(method, actor);
        return await CountedAsync(grains, providerEvent, intent, granted);
    }

    /// <summary>
    /// A credit payment that granted (now or before: a redelivery after a failure counts what the first could not) is revenue in
    /// the month Stripe reported it. Only <c>payment_intent.succeeded</c> counts it, the one event every credit payment has (a
    /// pack's session events name the same payment), so its one report time picks one month.
    /// </summary>
    private static async Task<WebhookResponse> CountedAsync(IGrainFactory grains, ProviderEvent providerEvent, PaymentIntent intent,
        GrantResult granted)
    {
        if (granted.Outcome == GrantOutcome.Granted && intent.AmountReceived > 0)
            await grains.GetGrain<IProviderRevenueGrain>(IProviderRevenueGrain.KeyOf(StripeObjects.Provider, intent.Id))
                .CountPayment(intent.Currency, intent.AmountReceived, providerEvent.Created, RevenueMovement.CreditPacks);
        return Outcome(granted);
    }

    private static Task<GrantResult> GrantPackAsync(
        IGrainFactory grains, string tenantId, string paymentId, (string Purpose, string PackId,
            long Credits) purchase, AuditActor actor) =>
        grains.GetGrain<ICreditWalletGrain>(tenantId).Grant(
            new CreditGrant(purchase.Credits, CreditSources.Purchase, Priority: 0, ExpiresAt: null, CreditPurchases.PurchaseKey(paymentId),
                $"credit pack {purchase.PackId}"), actor);

    /// <summary>Applied the first time; a grant replayed under its key (the other event of the same payment, a redelivery) is a
    /// duplicate.</summary>
    private static WebhookResponse Outcome(GrantResult granted) => granted switch
    {
        { Outcome: GrantOutcome.Granted, Replayed: false } => new(true, WireNames.Of(ProviderEventOutcome.Applied)),
        { Outcome: GrantOutcome.Granted } => new(true, WireNames.Of(ProviderEventOutcome.Duplicate)),
        _ => new(true, "ignored", $"the wallet refused the grant: {granted.Outcome}"),
    };
}
