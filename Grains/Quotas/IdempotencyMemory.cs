using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tollgate.Grains.Quotas;

/// <summary>
/// What a counter remembers of its state entries (<see cref="KeyedConsume"/>: keyed answers and what
/// refunds gave back): those this activation decided or read from storage, oldest first. An entry is
/// forgotten once it is durable and <c>rememberFor</c> old: storage holds it, and no call is still
/// between reading it and deciding on it (calls time out after 30 s). So a counter given millions of
/// keys a day holds about a minute's, and reads a key it does not hold from storage.
/// Keys asked for while a read is in flight share the next read, as writes share a group commit.
/// Every method runs on the grain's single thread, interleaving only at awaits.
/// </summary>
/// <param name="read">Reads stored entries by key; keys with none are left out of its answer.</param>
public sealed class IdempotencyMemory(
    Func<IReadOnlyCollection<string>, Task<IReadOnlyDictionary<string, string>>> read, TimeProvider timeProvider, TimeSpan retention,
    TimeSpan rememberFor)
    : IdempotencyMemory<KeyedConsume>(read, timeProvider, retention, rememberFor, QuotaJson.Default.KeyedConsume, consume => consume.At);

/// <summary>The memory of a grain's kept entries of type <typeparamref name="T"/> (see <see cref="IdempotencyMemory"/>).</summary>
/// <param name="json">How an entry is stored.</param>
/// <param name="at">When an entry was decided: it is fresh for <c>retention</c> from then.</param>
public class IdempotencyMemory<T>(
    Func<IReadOnlyCollection<string>, Task<IReadOnlyDictionary<string, string>>> read, TimeProvider timeProvider, TimeSpan retention,
    TimeSpan rememberFor, JsonTypeInfo<T> json, Func<T, DateTimeOffset> at) where T : class
{
    private readonly Dictionary<string, Remembered> _kept = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, long Change)> _order = new();
    private long _durableThrough;    // entries are numbered as they change; those up to _durableThrough are committed
    private Lookup? _nextLookup;
    private bool _lookingUp;

    private readonly record struct Remembered(T Consume, long Change, DateTimeOffset Since);

    private sealed class Lookup
    {
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
        public TaskCompletionSource<IReadOnlyDictionary<string, string>> Found { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The number of the latest change: what a write that starts now makes durable, once it commits.</summary>
    public long Changes { get; private set; }

    /// <summary>Tells that the changes up to <paramref name="change"/> are committed: they may be forgotten once old.</summary>
    public void DurableThrough(long change) => _durableThrough = change;

    /// <summary>How many entries are held in memory.</summary>
    public int Count => _kept.Count;

    /// <summary>Brings a key's stored entry, if any, into memory. Callers read it after this await, with <see cref="Fresh"/>.</summary>
    public async Task RecallAsync(string key)
    {
        if (_kept.ContainsKey(key)) return;
        var lookup = _nextLookup ??= new Lookup();
        lookup.Keys.Add(key);
        if (!_lookingUp) _ = LookUpAsync();
        var found = await lookup.Found.Task;
        // A turn may have decided this key while the read was in flight; that entry is the newer one.
        if (found.TryGetValue(key, out var stored) && !_kept.ContainsKey(key))
            Remember(key, JsonSerializer.Deserialize(stored, json)!, timeProvider.GetUtcNow());
    }

    /// <summary>Reads the gathered keys, then those gathered meanwhile. Never throws: outcomes go to the lookups.</summary>
    private async Task LookUpAsync()
    {
        while (_nextLookup is { } lookup)
        {
            (_lookingUp, _nextLookup) = (true, null);
            try
            {
                lookup.Found.SetResult(await read(lookup.Keys));
            }
            catch (Exception exception)
            {
                lookup.Found.SetException(exception);
            }
            _lookingUp = false;
        }
    }

    /// <summary>What is held under this key, recalled or remembered, if it is younger than the retention.</summary>
    public T? Fresh(string key, DateTimeOffset now) =>
        _kept.TryGetValue(key, out var held) && at(held.Consume) > now - retention ? held.Consume : null;

    /// <summary>Holds an entry in memory and forgets the oldest ones that may go: a few at a time, never a pass over all.</summary>
    public void Remember(string key, T consume, DateTimeOffset now)
    {
        _kept[key] = new Remembered(consume, ++Changes, now);
        _order.Enqueue((key, Changes));
        while (_order.TryPeek(out var oldest) && oldest.Change <= _durableThrough)
        {
            if (_kept.TryGetValue(oldest.Key, out var held) && held.Change == oldest.Change) // else a later change replaced it
            {
                if (held.Since > now - rememberFor) break;
                _kept.Remove(oldest.Key);
            }
            _order.Dequeue();
        }
    }
}
