namespace Tollgate.Grains.Orders;

/// <summary>How a notification ended: applied (or applied before), refused for good (audited), or to be sent again.</summary>
public enum NoticeOutcome { Applied, Refused, RetryLater }

/// <param name="Refusal">Why it was refused: <c>unknown_order</c>, <c>amount_mismatch</c>, <c>currency_mismatch</c>, ...</param>
[GenerateSerializer, Immutable, Alias("tollgate.NoticeResult")]
public sealed record NoticeResult(NoticeOutcome Outcome, string? Refusal = null);
