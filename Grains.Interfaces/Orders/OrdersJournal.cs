namespace Tollgate.Grains.Orders;

/// <summary>
/// The tenant's "orders" journal stream: the order as it stands after each change (name: the order id), the index the order list
/// reads newest first. Written with the change by the order's grain.
/// </summary>
public static class OrdersJournal
{
    public const string Stream = "orders";
}
