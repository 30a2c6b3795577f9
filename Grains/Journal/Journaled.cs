namespace Tollgate.Grains.Journal;

/// <summary>
/// What a journaled grain stores: its own state and the outbox of journal records and entries that
/// its last committed write carried. They are stored together, so a record is pending exactly when
/// its change is committed; the grain then copies the outbox into the journal's tables.
/// </summary>
public sealed class Journaled<TState> where TState : class, new()
{
    public TState Data { get; set; } = new();
    public JournalOutbox Outbox { get; set; } = new();
}
