namespace Tollgate.Grains.Billing;

/// <summary>The payment attempt recorded for an invoice event, in the tenant's "payments" journal stream.</summary>
/// <param name="Id">The provider event that reported the attempt.</param>
/// <param name="NextAttemptAt">For a failed attempt: when the provider will try again, if it will.</param>
[GenerateSerializer, Immutable, Alias("tollgate.PaymentRecord")]
public sealed record PaymentRecord(
    string Id, string Provider, string InvoiceId, string? SubscriptionId, PaymentOutcome Status, long Amount, string Currency,
    int AttemptCount, DateTimeOffset? NextAttemptAt, DateTimeOffset At);
