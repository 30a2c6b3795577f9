using Tollgate.Runtime.Reminders;

namespace Tollgate.Runtime.Storage;

/// <summary>
/// The data of the in-memory provider. Register one instance as a singleton to keep it across silo
/// restarts in a test.
/// </summary>
public sealed class MemoryDatabase
{
    internal readonly object Gate = new();
    internal readonly Dictionary<GrainStateKey, StoredGrainState> States = [];
    internal readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> Reminders = [];
    internal readonly List<StoredJournalRecord> Journal = [];
    internal readonly Dictionary<GrainStateKey, Dictionary<string, StateEntry>> Entries = [];
}

/// <summary>Storage for tests: same contract as the SQL providers, nothing survives the process.</summary>
internal sealed class MemoryStorage(MemoryDatabase database) : IStorageProvider, IGrainStorage, IReminderTable, IJournalReader
{
    public string Name => "Memory";
    public IGrainStorage GrainStorage => this;
    public IReminderTable Reminders => this;
    public IJournalReader Journal => this;

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task CheckHealthAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default)
    {
        lock (database.Gate) return Task.FromResult(database.States.GetValueOrDefault(key));
    }

    public Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(GrainStateKey key, IReadOnlyCollection<string> entryKeys, CancellationToken cancellationToken = default)
    {
        lock (database.Gate)
        {
            var stored = database.Entries.GetValueOrDefault(key) ?? [];
            return Task.FromResult<IReadOnlyDictionary<string, string>>(
                entryKeys.Where(stored.ContainsKey).Distinct().ToDictionary(k => k, k => stored[k].Payload!));
        }
    }

    public Task<long> WriteAsync(GrainStateKey key, string? payload, long expectedVersion, IReadOnlyList<JournalRecord> records,
        IReadOnlyList<StateEntry> entries, CancellationToken cancellationToken = default)
    {
        lock (database.Gate)
        {
            var stored = database.States.GetValueOrDefault(key)?.Version ?? 0;
            if (stored != expectedVersion)
                return Task.FromException<long>(StateConflict.For(key, expectedVersion));
            database.States[key] = new StoredGrainState(payload, expectedVersion + 1);
            if (payload is null) database.Entries.Remove(key);
            foreach (var entry in entries)
            {
                if (entry.Payload is not null) (database.Entries.TryGetValue(key, out var map) ? map : database.Entries[key] = [])[entry.Key] = entry;
                else database.Entries.GetValueOrDefault(key)?.Remove(entry.Key);
            }
            foreach (var record in records)
                database.Journal.Add(new StoredJournalRecord(database.Journal.Count + 1, record.Stream, record.Scope, record.Name,
                    DateTimeOffset.FromUnixTimeMilliseconds(record.At.ToUnixTimeMilliseconds()), record.Payload));
            return Task.FromResult(expectedVersion + 1);
        }
    }

    public Task<int> RemoveExpiredEntriesAsync(DateTimeOffset by, CancellationToken cancellationToken = default)
    {
        lock (database.Gate)
        {
            var expired = database.Entries.SelectMany(state => state.Value.Values.Where(e => e.ExpiresAt <= by).Select(e => (Entries: state.Value, e.Key, e.ExpiresAt)))
                .OrderBy(e => e.ExpiresAt).Take(IGrainStorage.MaxExpiredRemoved).ToList();
            foreach (var (entries, key, _) in expired) entries.Remove(key);
            return Task.FromResult(expired.Count);
        }
    }

    public Task<ReminderEntry> UpsertAsync(GrainId grain, string name, DateTimeOffset startAt, TimeSpan period, CancellationToken cancellationToken = default)
    {
        lock (database.Gate)
        {
            var version = database.Reminders.GetValueOrDefault((grain, name))?.Version ?? 0;
            var entry = new ReminderEntry(grain, name, startAt, period, startAt, version + 1);
            database.Reminders[(grain, name)] = entry;
            return Task.FromResult(entry);
        }
    }

    public Task<bool> RemoveAsync(GrainId grain, string name, CancellationToken cancellationToken = default)
    {
        lock (database.Gate) return Task.FromResult(database.Reminders.Remove((grain, name)));
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadAsync(GrainId grain, CancellationToken cancellationToken = default)
    {
        lock (database.Gate)
            return Task.FromResult<IReadOnlyList<ReminderEntry>>(
                database.Reminders.Values.Where(r => r.Grain == grain).OrderBy(r => r.Name, StringComparer.Ordinal).ToList());
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        lock (database.Gate)
            return Task.FromResult<IReadOnlyList<ReminderEntry>>(
                database.Reminders.Values.Where(r => r.NextDue <= now).OrderBy(r => r.NextDue).Take(limit).ToList());
    }

    public Task<bool> TryAdvanceAsync(ReminderEntry entry, DateTimeOffset nextDue, CancellationToken cancellationToken = default)
    {
        lock (database.Gate)
        {
            if (!database.Reminders.TryGetValue((entry.Grain, entry.Name), out var stored) || stored.Version != entry.Version)
                return Task.FromResult(false);
            database.Reminders[(entry.Grain, entry.Name)] = stored with { NextDue = nextDue, Version = stored.Version + 1 };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<StoredJournalRecord>> ReadAsync(JournalQuery query, CancellationToken cancellationToken = default)
    {
        lock (database.Gate)
        {
            var matching = database.Journal
                .Where(r => r.Stream == query.Stream
                    && (query.Scope is null || r.Scope == query.Scope)
                    && (query.Name is null || r.Name == query.Name)
                    && (query.From is null || r.At >= query.From)
                    && (query.To is null || r.At < query.To)
                    && (query.Before is null || r.Sequence < query.Before)
                    && (query.After is null || r.Sequence > query.After));
            return Task.FromResult<IReadOnlyList<StoredJournalRecord>>(
                (query.OldestFirst ? matching.OrderBy(r => r.Sequence) : matching.OrderByDescending(r => r.Sequence)).Take(query.Limit).ToList());
        }
    }
}
