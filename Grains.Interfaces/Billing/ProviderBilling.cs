using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Grains.Billing;

/// <summary>A payment provider's subscription statuses (Stripe's set; other providers map onto it).</summary>
public enum ProviderSubscriptionStatus { Incomplete, IncompleteExpired, Trialing, Active, PastDue, Unpaid, Paused, Canceled }

/// <summary>A subscription as the payment provider has it: the provider is the source of truth for paid plans.</summary>
/// <param name="PriceId">The provider's price: the plan whose <c>stripePriceId</c> it is.</param>
/// <param name="BillingAnchor">The day periods renew on; quota windows follow it.</param>
[GenerateSerializer, Immutable, Alias("tollgate.ProviderSubscription")]
public sealed record ProviderSubscription(
    string Provider, string Id, string CustomerId, ProviderSubscriptionStatus Status, string? PriceId,
    DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, DateTimeOffset? TrialEnd, bool CancelAtPeriodEnd, DateTimeOffset BillingAnchor)
{
    /// <summary>No payment can bring it back: the tenant falls back to the default plan.</summary>
    public bool IsEnded => Status is ProviderSubscriptionStatus.Canceled or ProviderSubscriptionStatus.IncompleteExpired;
}

/// <summary>An invoice as the provider reported it; amounts in minor units.</summary>
/// <param name="PeriodStart">The service period the invoice bills (for a renewal: the new period).</param>
[GenerateSerializer, Immutable, Alias("tollgate.ProviderInvoice")]
public sealed record ProviderInvoice(
    string Provider, string Id, string? Number, string CustomerId, string? SubscriptionId, string Status,
    long AmountDue, long AmountPaid, string Currency, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd,
    string? HostedInvoiceUrl, string? InvoicePdf, string? BillingReason, int AttemptCount, DateTimeOffset? NextPaymentAttempt, DateTimeOffset Created);

public enum PaymentOutcome { Succeeded, Failed, ActionRequired }

/// <summary>A provider's webhook event: applied once per id; <see cref="Created"/> orders a subscription's states.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.ProviderEvent")]
public sealed record ProviderEvent(string Id, string Type, DateTimeOffset Created);

public enum ProviderEventOutcome { Applied, Duplicate, Stale }

/// <summary>The payment attempt recorded for an invoice event, in the tenant's "payments" journal stream.</summary>
/// <param name="Id">The provider event that reported the attempt.</param>
/// <param name="NextAttemptAt">For a failed attempt: when the provider will try again, if it will.</param>
[GenerateSerializer, Immutable, Alias("tollgate.PaymentRecord")]
public sealed record PaymentRecord(
    string Id, string Provider, string InvoiceId, string? SubscriptionId, PaymentOutcome Status, long Amount, string Currency,
    int AttemptCount, DateTimeOffset? NextAttemptAt, DateTimeOffset At);

/// <summary>Journal streams of billing records, scoped by tenant.</summary>
public static class BillingJournal
{
    public const string Invoices = "invoices";
    public const string Payments = "payments";

    /// <summary>How their payloads are written and read.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
