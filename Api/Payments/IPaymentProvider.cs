using Tollgate.Grains.Billing;

namespace Tollgate.Api.Payments;

public sealed record CheckoutRequest(string TenantId, string CustomerId, string PriceId, int TrialDays, Uri SuccessUrl, Uri CancelUrl);

public sealed record CheckoutSession(string Id, Uri Url);

/// <summary>A one-time payment for <paramref name="PriceId"/>; the payment method is kept for later off-session charges.</summary>
/// <param name="Metadata">Put on the session and on its payment, so either's webhook says what was bought.</param>
public sealed record PaymentCheckoutRequest(
    string TenantId, string CustomerId, string PriceId, IReadOnlyDictionary<string, string> Metadata, Uri SuccessUrl, Uri CancelUrl);

/// <summary>A charge of a saved payment method with nobody present.</summary>
public sealed record OffSessionPaymentRequest(
    string CustomerId, string PaymentMethodId, long AmountMinor, string Currency, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A payment as the provider has it: its id, the payment method it used, whose it is and what Tollgate wrote on it.</summary>
public sealed record ProviderPayment(
    string Id, string Status, string? PaymentMethodId, string? CustomerId, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// A payment provider: where tenants pay and where their paid subscriptions live. Stripe is the
/// first; Alipay and WeChat Pay are meant to fit the same shape (a hosted page to pay on, a
/// customer per tenant, a subscription that can be told to cancel). What a provider reports back
/// arrives through its webhook as <see cref="ProviderSubscription"/> and <see cref="ProviderInvoice"/>.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>The provider's name as stored on subscriptions, e.g. "stripe".</summary>
    string Name { get; }

    /// <summary>Creates the tenant's customer. Repeated for the same tenant, it returns the same customer.</summary>
    Task<string> CreateCustomerAsync(string tenantId, string tenantName, string? email, CancellationToken cancellationToken);

    Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutRequest request, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>A hosted page where the customer pays once (Stripe Checkout in payment mode).</summary>
    Task<CheckoutSession> CreatePaymentCheckoutSessionAsync(PaymentCheckoutRequest request, string idempotencyKey,
        CancellationToken cancellationToken);

    /// <summary>
    /// Creates and confirms a payment of a saved method; a repeated key returns the first payment. A decline comes back
    /// as <see cref="PaymentDeclinedException"/>.
    /// </summary>
    Task<ProviderPayment> CreateOffSessionPaymentAsync(OffSessionPaymentRequest request, string idempotencyKey,
        CancellationToken cancellationToken);

    Task<ProviderPayment> GetPaymentAsync(string paymentId, CancellationToken cancellationToken);

    /// <summary>A page where the customer manages payment methods, invoices and the subscription; returns its URL.</summary>
    Task<Uri> CreatePortalSessionAsync(string customerId, Uri returnUrl, CancellationToken cancellationToken);

    Task<ProviderSubscription> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Sets or clears cancel-at-period-end; returns the subscription as the provider now has it.</summary>
    Task<ProviderSubscription> SetCancelAtPeriodEndAsync(string subscriptionId, bool cancel, CancellationToken cancellationToken);

    /// <summary>Ends the subscription at once; returns it as the provider now has it.</summary>
    Task<ProviderSubscription> CancelNowAsync(string subscriptionId, CancellationToken cancellationToken);
}

/// <summary>A provider call failed; <see cref="IsTransient"/> says whether a later retry may succeed.</summary>
public abstract class PaymentProviderException(string message, Exception? inner) : Exception(message, inner)
{
    public abstract bool IsTransient { get; }
}

/// <summary>The provider refused to take a payment (declined, or it needs the customer to authenticate).</summary>
public sealed class PaymentDeclinedException(string? paymentId, string? code, string message, Exception inner)
    : PaymentProviderException(message, inner)
{
    public string? PaymentId { get; } = paymentId;
    public string? Code { get; } = code;
    public override bool IsTransient => false;
}

/// <summary>No provider is configured (no <c>Stripe:SecretKey</c>).</summary>
public sealed class PaymentsNotConfiguredException() : PaymentProviderException("Payments are not configured: set Stripe:SecretKey.", null)
{
    public override bool IsTransient => false;
}
