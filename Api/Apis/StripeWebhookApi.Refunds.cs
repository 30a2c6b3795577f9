using Stripe;
using Tollgate.Api.Payments;
using Tollgate.Grains;
using Tollgate.Grains.Analytics;
using Tollgate.Grains.Billing;

namespace Tollgate.Api;

/// <summary>
/// Refunds made at Stripe (in its dashboard or API; Tollgate makes none there) count in revenue analytics: negative, in the
/// refund's currency, in the month Stripe reported that the refund succeeded. Since API version 2024-10-28.acacia Stripe sends
/// <c>refund.created</c>, <c>refund.updated</c> and <c>refund.failed</c> for every refund, each carrying the refund itself;
/// <c>charge.refunded</c> carries the charge, whose <c>refunds</c> list events leave out since 2022-11-15, so it is not used.
/// Which of those events count, and how, is <see cref="StripeRefunds"/>: each counts at its own <c>created</c> time. A refund
/// that fails after it succeeded (rare: the card was closed) counts back from the <c>refund.updated</c> reporting that change;
/// <c>refund.failed</c> reports the same change without saying whether the refund had succeeded, so it is not used.
/// </summary>
public static partial class StripeWebhookApi
{
    private static async Task<WebhookResponse> RefundAsync(ProviderEvent providerEvent, Refund refund, string? previousStatus,
        EventTenants owners, IGrainFactory grains, IPaymentProvider provider, CancellationToken cancellationToken)
    {
        var refundId = refund.Id is { Length: > 0 } id ? id : throw new FormatException("The refund has no 'id'.");
        if (StripeRefunds.Counted(providerEvent.Type, refundId, refund.Status, previousStatus, refund.Amount) is not { } counted)
        {
            var reason = refund.Status == StripeRefunds.Succeeded ? "counted when the refund succeeded" : $"the refund is {refund.Status}";
            return new(true, "ignored", reason);
        }
        if (refund.Amount <= 0 || refund.Currency is not { Length: 3 } currency)
            throw new FormatException("The refund needs a positive 'amount' and a 'currency'.");
        // Tollgate's payments are PaymentIntents; a refund of anything else (a bare charge) is not one of its payments.
        if (refund.PaymentIntentId is not { Length: > 0 } paymentId) return new(true, "ignored", "not a refund of a payment");

        // The refund names neither its customer nor what was bought: its payment does (the one call to Stripe for the event).
        var payment = await provider.GetPaymentAsync(paymentId, cancellationToken);
        if (await owners.ResolveAsync(StripeObjects.TenantId(payment), payment.CustomerId) is { Refusal: { } refusal }) return refusal;
        // Since API version 2025-03-31.basil neither a PaymentIntent nor a Charge names the invoice it paid: telling which plan a
        // subscription's payment was for takes another call to Stripe, so such a refund is unattributed.
        var plan = CreditPurchases.Read(payment.Metadata) is null ? RevenueMovement.Unattributed : RevenueMovement.CreditPacks;
        // The one place a Stripe refund reaches revenue analytics.
        await grains.GetGrain<IProviderRevenueGrain>(IProviderRevenueGrain.KeyOf(StripeObjects.Provider, counted.Id))
            .CountPayment(currency, counted.AmountMinor, providerEvent.Created, plan);
        return new(true, WireNames.Of(ProviderEventOutcome.Applied));
    }
}
