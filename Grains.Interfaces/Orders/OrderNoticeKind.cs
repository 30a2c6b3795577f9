namespace Tollgate.Grains.Orders;

public enum OrderNoticeKind { Paid, Closed, Refunded, RefundFailed }
