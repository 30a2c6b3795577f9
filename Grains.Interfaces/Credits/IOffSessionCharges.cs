namespace Tollgate.Grains.Credits;

/// <summary>
/// Charges a tenant's saved payment method with nobody present (Stripe: a PaymentIntent with <c>off_session</c> and
/// <c>confirm</c>). Implemented beside the payment provider in the Api, which shares the silo's process and services.
/// </summary>
public interface IOffSessionCharges
{
    Task<OffSessionChargeResult> ChargeAsync(OffSessionCharge charge, CancellationToken cancellationToken);
}
