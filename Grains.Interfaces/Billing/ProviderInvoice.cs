namespace Tollgate.Grains.Billing;

/// <summary>An invoice as the provider reported it; amounts in minor units.</summary>
/// <param name="PeriodStart">The service period the invoice bills (for a renewal: the new period).</param>
[GenerateSerializer, Immutable, Alias("tollgate.ProviderInvoice")]
public sealed record ProviderInvoice(
    string Provider, string Id, string? Number, string CustomerId, string? SubscriptionId, string Status,
    long AmountDue, long AmountPaid, string Currency, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd,
    string? HostedInvoiceUrl, string? InvoicePdf, string? BillingReason, int AttemptCount, DateTimeOffset? NextPaymentAttempt, DateTimeOffset Created);
