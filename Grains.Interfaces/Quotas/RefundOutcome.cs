namespace Tollgate.Grains.Quotas;

/// <summary>
/// <c>ExceedsConsume</c>: more than the consume has left to give back (<see cref="RefundResult.Refundable"/>);
/// <c>KeyReused</c> and <c>TotalOverflow</c> as for <see cref="ConsumeOutcome"/>.
/// </summary>
public enum RefundOutcome { Refunded, UnknownConsume, AlreadyRefunded, WindowReset, UnknownQuotaType, KeyReused, ExceedsConsume, TotalOverflow }
