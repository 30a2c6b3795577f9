namespace Tollgate.Grains.Orders;

/// <summary>Where an order stands: <see cref="Refunded"/> once refunds reach what was paid (a partial refund leaves it paid).</summary>
public enum OrderStatus { Pending, Paid, Closed, Refunded }
