using Tollgate.Runtime.Reminders;

namespace Tollgate.Runtime.Storage;

/// <summary>Where one grain state lives: the grain's type name, its key and the state's name.</summary>
public readonly record struct GrainStateKey(string GrainType, string GrainKey, string StateName)
{
    public override string ToString() => $"{GrainType}/{GrainKey}/{StateName}";
}

/// <summary>A stored state: a null payload is a cleared state whose version is kept.</summary>
public sealed record StoredGrainState(string? Payload, long Version);

/// <summary>
/// Versioned grain-state storage. Every write names the version it expects (0: none stored yet)
/// and fails with <see cref="InconsistentStateException"/> when the stored one differs.
/// </summary>
public interface IGrainStorage
{
    Task<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the payload, appends the journal records and stores or removes the entries (each key
    /// at most once), in one transaction; returns the new version. A null payload clears the state
    /// and removes all its entries, and carries no entries itself. On a conflict nothing changes.
    /// </summary>
    Task<long> WriteAsync(GrainStateKey key, string? payload, long expectedVersion, IReadOnlyList<JournalRecord> records,
        IReadOnlyList<StateEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes entries of any state that expired by <paramref name="by"/>, the oldest first, up to
    /// <see cref="MaxExpiredRemoved"/>; returns how many. A silo calls it periodically.
    /// </summary>
    Task<int> RemoveExpiredEntriesAsync(DateTimeOffset by, CancellationToken cancellationToken = default);

    /// <summary>The most expired entries one removal takes: enough to keep up, few enough to keep its transaction short.</summary>
    const int MaxExpiredRemoved = 10_000;

    /// <summary>Those of the named entries that are stored beside the state, by key.</summary>
    Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(GrainStateKey key, IReadOnlyCollection<string> entryKeys, CancellationToken cancellationToken = default);
}

/// <summary>One database behind a silo: grain state, reminders and their schema.</summary>
public interface IStorageProvider : IAsyncDisposable
{
    string Name { get; }
    IGrainStorage GrainStorage { get; }
    IReminderTable Reminders { get; }
    IJournalReader Journal { get; }

    /// <summary>Creates or migrates the schema; safe to run from several silos at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Throws when the database cannot be reached.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}

/// <summary>Storage settings, bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProviderKind Provider { get; set; } = StorageProviderKind.Sqlite;

    public string ConnectionString { get; set; } = "Data Source=data/tollgate.db";

    /// <summary>How many transactions may commit batched writes at once (SQLite always uses one).</summary>
    public int WriteConcurrency { get; set; } = 4;

    /// <summary>The most state writes one transaction carries.</summary>
    public int MaxWriteBatch { get; set; } = 256;
}

public enum StorageProviderKind { Sqlite, PostgreSql, Memory }

internal static class StateConflict
{
    public static InconsistentStateException For(GrainStateKey key, long expectedVersion) => new(
        $"Version conflict writing {key}: expected stored version {expectedVersion}, but another writer changed it first. Nothing was written.",
        storedEtag: null, currentEtag: expectedVersion == 0 ? null : expectedVersion.ToString());
}
