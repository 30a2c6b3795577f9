namespace Tollgate.Grains.Orders;

/// <summary>How a notification ended: applied (or applied before), refused for good (audited), or to be sent again.</summary>
public enum NoticeOutcome { Applied, Refused, RetryLater }
