namespace Tollgate.Grains.Orders;

public enum OrderOutcome
{
    Ok,
    /// <summary>No such order, plan or pack (or another tenant's order).</summary>
    NotFound,
    /// <summary>The idempotency key was used with another request: nothing changed.</summary>
    KeyReused,
    /// <summary>The plan or pack has no price in cny above zero.</summary>
    NoCnyPrice,
    /// <summary>The tenant pays for its subscription through Stripe: prepaid periods would run beside it.</summary>
    AlreadySubscribed,
    /// <summary>A refund of an order with nothing paid.</summary>
    NotPaid,
    /// <summary>A refund larger than what is paid and not yet refunded.</summary>
    RefundExceedsPaid,
    /// <summary>The provider could not be reached or answered with a transient error; the same request may be repeated.</summary>
    ProviderUnavailable,
    /// <summary>The provider refused the call for good.</summary>
    ProviderRefused,
}
