using Stripe;
using Tollgate.Grains.Billing;

namespace Tollgate.Api.Payments;

/// <summary>
/// Turns Stripe.net's objects into Tollgate's records. The fields read have kept their shape since
/// API version 2025-03-31.basil: a subscription's period lives on its items, an invoice names its
/// subscription under <c>parent.subscription_details</c>. Stripe.net leaves a missing timestamp at
/// its default, so a missing required field throws <see cref="FormatException"/> here.
/// </summary>
public static class StripeObjects
{
    public const string Provider = "stripe";

    public static ProviderSubscription Subscription(Subscription subscription)
    {
        var item = subscription.Items?.Data is [var first, ..] ? first : throw Missing("items.data[0]");
        var periodStart = Time(item.CurrentPeriodStart) ?? throw Missing("items.data[0].current_period_start");
        return new ProviderSubscription(
            Provider, Required(subscription.Id, "id"), Required(subscription.CustomerId, "customer"),
            Status(Required(subscription.Status, "status")), item.Price?.Id,
            periodStart, Time(item.CurrentPeriodEnd) ?? throw Missing("items.data[0].current_period_end"),
            subscription.TrialEnd is { } trialEnd ? Time(trialEnd) : null, subscription.CancelAtPeriodEnd,
            Time(subscription.BillingCycleAnchor) ?? periodStart);
    }

    public static ProviderInvoice Invoice(Invoice invoice)
    {
        // The first line's period is the service period billed; an invoice without lines falls back to its own.
        var period = invoice.Lines?.Data is [{ Period: { } linePeriod }, ..] ? linePeriod : null;
        return new ProviderInvoice(
            Provider, Required(invoice.Id, "id"), invoice.Number, Required(invoice.CustomerId, "customer"),
            invoice.Parent?.SubscriptionDetails?.SubscriptionId, invoice.Status ?? "unknown", invoice.AmountDue, invoice.AmountPaid,
            Required(invoice.Currency, "currency").ToUpperInvariant(),
            Time(period?.Start ?? invoice.PeriodStart), Time(period?.End ?? invoice.PeriodEnd),
            invoice.HostedInvoiceUrl, invoice.InvoicePdf, invoice.BillingReason, (int)invoice.AttemptCount,
            invoice.NextPaymentAttempt is { } next ? Time(next) : null, Time(invoice.Created) ?? throw Missing("created"));
    }

    /// <summary>The tenant id Tollgate put in a Checkout Session's metadata, or its client reference.</summary>
    public static string? TenantId(Stripe.Checkout.Session session) =>
        TenantId(session.Metadata) ?? (session.ClientReferenceId is { Length: > 0 } reference ? reference : null);

    public static string? TenantId(Subscription subscription) => TenantId(subscription.Metadata);

    public static string? TenantId(PaymentIntent intent) => TenantId(intent.Metadata);

    public static string? TenantId(ProviderPayment payment) => TenantId(payment.Metadata);

    /// <summary>The invoice's own metadata, else that of the subscription it bills.</summary>
    public static string? TenantId(Invoice invoice) =>
        TenantId(invoice.Metadata) ?? TenantId(invoice.Parent?.SubscriptionDetails?.Metadata);

    public static ProviderSubscriptionStatus Status(string status) => status switch
    {
        "incomplete" => ProviderSubscriptionStatus.Incomplete,
        "incomplete_expired" => ProviderSubscriptionStatus.IncompleteExpired,
        "trialing" => ProviderSubscriptionStatus.Trialing,
        "active" => ProviderSubscriptionStatus.Active,
        "past_due" => ProviderSubscriptionStatus.PastDue,
        "unpaid" => ProviderSubscriptionStatus.Unpaid,
        "paused" => ProviderSubscriptionStatus.Paused,
        "canceled" => ProviderSubscriptionStatus.Canceled,
        _ => throw new FormatException($"Unknown Stripe subscription status '{status}'."),
    };

    /// <summary>A Stripe timestamp, or null where Stripe.net left the field at its default (absent).</summary>
    public static DateTimeOffset? Time(DateTime time) =>
        time == default ? null : new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    private static string? TenantId(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue("tenantId", out var tenantId) && tenantId is { Length: > 0 } ? tenantId : null;

    private static string Required(string? value, string field) => value is { Length: > 0 } ? value : throw Missing(field);

    private static FormatException Missing(string field) => new($"The Stripe object has no '{field}'.");
}
