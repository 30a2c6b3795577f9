namespace Tollgate.Grains.Quotas;

public sealed class QuotaCounterState
{
    public long Used { get; set; }
    public DateTimeOffset WindowStart { get; set; }

    // The usage of the last UTC day with any (default: none yet). Value types, not a DayUsage: a
    // counter allocates nothing it keeps on a consume (see the GC note in GroupCommitWriter).
    public DateOnly Day { get; set; }
    public long DayConsumed { get; set; }
    public long DayRefunded { get; set; }

    // The usage of the month of Day, through Day (its 1st; default: none yet, or stored before months were kept): MonthTotals.
    public DateOnly Month { get; set; }
    public long MonthConsumed { get; set; }
    public long MonthRefunded { get; set; }

    /// <summary>The percent of the limit whose alert is raised and not yet resolved; 0 for none.</summary>
    public int AlertedPercent { get; set; }

    /// <summary>What a write stores: storage serializes it off the grain's turn, while the grain goes on changing its own.</summary>
    public QuotaCounterState Snapshot() => (QuotaCounterState)MemberwiseClone();
}
