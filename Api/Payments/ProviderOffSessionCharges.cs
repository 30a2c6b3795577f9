using Microsoft.Extensions.Logging;
using Tollgate.Grains.Credits;

namespace Tollgate.Api.Payments;

/// <summary>Auto top-up's charges through the payment provider: the tenant's customer, its saved method, the grain's key.</summary>
public sealed class ProviderOffSessionCharges(IPaymentProvider provider, IGrainFactory grains, ILogger<ProviderOffSessionCharges> logger)
    : IOffSessionCharges
{
    public async Task<OffSessionChargeResult> ChargeAsync(OffSessionCharge charge, CancellationToken cancellationToken)
    {
        var customerId = await grains.GetGrain<ITenantGrain>(charge.TenantId).GetBillingCustomer(provider.Name);
        if (customerId is null)
            return new(OffSessionChargeStatus.Failed, null, "no_customer",
                "The tenant has no customer at the payment provider: buy a pack first.");
        var metadata = CreditPurchases.Metadata(CreditPurchases.AutoTopUp, charge.TenantId, charge.PackId, charge.Credits);
        metadata[CreditPurchases.ChargeKey] = charge.IdempotencyKey;
        try
        {
            var payment = await provider.CreateOffSessionPaymentAsync(
                new OffSessionPaymentRequest(customerId, charge.PaymentMethodId, charge.AmountMinor, charge.Currency, metadata),
                charge.IdempotencyKey, cancellationToken);
            return new(OffSessionChargeStatus.Created, payment.Id, null, null);
        }
        catch (PaymentDeclinedException declined)
        {
            return new(OffSessionChargeStatus.Failed, declined.PaymentId, declined.Code, declined.Message);
        }
        catch (PaymentProviderException failure) when (failure.IsTransient)
        {
            return new(OffSessionChargeStatus.Unreachable, null, null, failure.Message);
        }
        catch (PaymentProviderException refused)
        {
            logger.LogWarning("Auto top-up {Key} refused by the provider: {Reason}", charge.IdempotencyKey, refused.Message);
            return new(OffSessionChargeStatus.Failed, null, (refused as StripeException)?.Code, refused.Message);
        }
    }
}
