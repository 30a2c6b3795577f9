namespace Tollgate.Grains.Orders;

public enum OrderTradeState { NotFound, Pending, Paid, Closed, Refunded }
