namespace Tollgate.Grains.Quotas;

/// <summary>A counter's totals of one UTC month (its 1st), a value: a counter keeps and hands them on without allocating.</summary>
public readonly record struct MonthUsage(DateOnly Month, long Consumed, long Refunded);
