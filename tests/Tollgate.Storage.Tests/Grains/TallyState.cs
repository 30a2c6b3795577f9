namespace Tollgate.Storage.Tests.Grains;

/// <summary>A count whose every change carries a journal record, committed with it by the counters' storage.</summary>
public sealed class TallyState : IJournalCarrier
{
    public long Count { get; set; }
    public long LastSequence { get; set; }
    public List<SequencedRecord> Records { get; set; } = [];
    public List<StateEntry> Entries { get; set; } = [];

    public (IReadOnlyList<SequencedRecord> Records, IReadOnlyList<StateEntry> Entries) TakeJournal()
    {
        var taken = (Records, Entries);
        (Records, Entries) = ([], []);
        return taken;
    }

    public void ReturnJournal(IReadOnlyList<SequencedRecord> records, IReadOnlyList<StateEntry> entries)
    {
        Records.InsertRange(0, records);
        Entries.InsertRange(0, entries);
    }
}
