namespace Tollgate.Runtime;

/// <summary>
/// A grain's durable state. It is read before <see cref="Grain.OnActivateAsync"/>. Every write is
/// conditional on the version last read or written; if another writer got there first the write
/// throws <see cref="InconsistentStateException"/> and the activation is deactivated so the next
/// call reloads.
/// </summary>
public interface IPersistentState<TState> where TState : class, new()
{
    TState State { get; set; }

    /// <summary>The stored version, or null when nothing was ever written.</summary>
    string? Etag { get; }

    /// <summary>True when a state is stored (false before the first write and after a clear).</summary>
    bool RecordExists { get; }

    Task ReadStateAsync();
    Task WriteStateAsync();

    /// <summary>
    /// Writes the state and appends the records in the same transaction: both are stored, or
    /// (on a version conflict or failure) neither.
    /// </summary>
    Task WriteStateAsync(IReadOnlyList<JournalRecord> records);

    /// <summary>
    /// As <see cref="WriteStateAsync(IReadOnlyList{JournalRecord})"/>, and in the same transaction
    /// stores or removes the state's entries. Entries are keyed values kept beside the state, one row
    /// each: a write costs the entries it names, however many are stored, and none is read at
    /// activation. The silo removes each entry from storage some time after it expires.
    /// </summary>
    Task WriteStateAsync(IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries);

    /// <summary>Those of the named entries that are stored, by key. Clearing the state removes its entries.</summary>
    Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(IReadOnlyCollection<string> entryKeys);

    /// <summary>Removes the stored state and resets <see cref="State"/> to a new instance.</summary>
    Task ClearStateAsync();
}

/// <summary>
/// A keyed value stored beside a grain's state in a row of its own (an idempotency key's first
/// answer, say), for maps too large to hold in memory or to rewrite with every write. A null
/// payload removes the entry. <paramref name="ExpiresAt"/> is when the silo's sweep may take it
/// away.
/// </summary>
public sealed record StateEntry(string Key, string? Payload, DateTimeOffset ExpiresAt = default);
