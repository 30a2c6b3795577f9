namespace Tollgate.Grains.Billing;

/// <summary>
/// The credits one period of a plan grants (source <c>plan_refill</c>), kept in the subscription's state from the
/// write that starts the period until the wallet has taken them, so a failed grant is tried again, not lost.
/// </summary>
public sealed record PlanRefill(string PlanId, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, long Credits, bool RollOver);
