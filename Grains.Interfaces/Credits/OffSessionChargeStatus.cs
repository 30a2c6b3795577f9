namespace Tollgate.Grains.Credits;

public enum OffSessionChargeStatus
{
    /// <summary>The payment was created; succeeded or still processing, its webhook follows.</summary>
    Created,
    /// <summary>Declined, or it needs the customer (authentication): a new payment method is needed.</summary>
    Failed,
    /// <summary>No answer from the provider: the same key is tried again on the next trigger.</summary>
    Unreachable,
}
