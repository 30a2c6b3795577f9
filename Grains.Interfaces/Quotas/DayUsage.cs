namespace Tollgate.Grains.Quotas;

/// <summary>A counter's usage on one UTC day: what its consumes took and its refunds gave back.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.DayUsage")]
public sealed record DayUsage(DateOnly Day, long Consumed, long Refunded);
