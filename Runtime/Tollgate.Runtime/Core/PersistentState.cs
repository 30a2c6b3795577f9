using Tollgate.Runtime.Storage;

namespace Tollgate.Runtime.Core;

internal sealed class PersistentState<TState>(
    Activation activation, GrainStateKey key, IGrainStorage storage, GrainStateSerializer serializer)
    : IPersistentState<TState>, IStateLoader
    where TState : class, new()
{
    // 0 means no row was ever stored.
    private long _version;

    public TState State { get; set; } = new();

    public string? Etag => _version == 0 ? null : _version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool RecordExists { get; private set; }

    Task IStateLoader.LoadAsync() => ReadStateAsync();

    // No ConfigureAwait(false) here: the continuation must run on the activation's scheduler.
    public async Task ReadStateAsync()
    {
        var stored = await storage.ReadAsync(key);
        _version = stored?.Version ?? 0;
        RecordExists = stored?.Payload is not null;
        State = stored?.Payload is { } payload ? serializer.Deserialize<TState>(payload) : new TState();
    }

    public Task WriteStateAsync() => WriteStateAsync([], []);

    public Task WriteStateAsync(IReadOnlyList<JournalRecord> records) => WriteStateAsync(records, []);

    public async Task WriteStateAsync(IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries)
    {
        var payload = serializer.Serialize(State);
        _version = await WriteAsync(payload, records, LastPerKey(entries));
        RecordExists = true;
    }

    public Task<IReadOnlyDictionary<string, string>> ReadEntriesAsync(IReadOnlyCollection<string> entryKeys) => storage.ReadEntriesAsync(key, entryKeys);

    public async Task ClearStateAsync()
    {
        if (_version != 0) _version = await WriteAsync(payload: null, [], []);
        State = new TState();
        RecordExists = false;
    }

    /// <summary>Storage takes each key once per write; of several changes to one key, the last is the one meant.</summary>
    private static IReadOnlyList<StateEntry> LastPerKey(IReadOnlyList<StateEntry> entries)
    {
        if (entries.Count < 2) return entries;
        var last = new Dictionary<string, StateEntry>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries) last[entry.Key] = entry;
        return last.Count == entries.Count ? entries : [.. last.Values];
    }

    private async Task<long> WriteAsync(string? payload, IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries)
    {
        try
        {
            return await storage.WriteAsync(key, payload, _version, records, entries);
        }
        catch
        {
            // Conflict or unknown outcome: memory may no longer match storage, so reload on the next call.
            activation.MarkInconsistent();
            throw;
        }
    }
}
