namespace Tollgate.Grains.Orders;

/// <param name="Refusal">Why it was refused: <c>unknown_order</c>, <c>amount_mismatch</c>, <c>currency_mismatch</c>, ...</param>
[GenerateSerializer, Immutable, Alias("tollgate.NoticeResult")]
public sealed record NoticeResult(NoticeOutcome Outcome, string? Refusal = null);
