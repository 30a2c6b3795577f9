namespace Tollgate.Grains.Quotas;

/// <summary>
/// A counter's totals for one UTC day, in the journal's "usage-days" stream (name: the quota type,
/// at: the day's start). The first record of a day on a counter goes with an "open" (totals 0); the
/// counter keeps that day's totals in its state and writes them as a "close" with its first record
/// of a later day. So a day opened and not closed is still its counter's current day.
/// </summary>
public sealed record UsageDayRecord(string Kind, DateOnly Day, long Consumed, long Refunded);
