using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Tollgate.Api.Auth;

/// <summary>
/// This silo's identities of the API keys it has authenticated, by the key's hash (never the key), so that a
/// request with a known key makes no grain call. Only keys their grain accepted are kept, at most
/// <see cref="ApiKeyCacheOptions.MaxEntries"/>: a flood of made-up keys adds nothing. An entry is refused
/// once its key expires, forgotten when the key's grain says so (<see cref="Forget"/>), and trusted for
/// <see cref="ApiKeyCacheOptions.RevalidateAfter"/> at most before the grain is asked again.
/// </summary>
public sealed class ApiKeyCache(IOptions<ApiKeyCacheOptions> options, [FromKeyedServices(DomainClock.Key)] TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _revalidateAfter = options.Value.RevalidateAfter;
    private readonly int _maxEntries = options.Value.MaxEntries;
    private long _forgettings;

    /// <summary>
    /// Changes whenever anything is forgotten. Read it before asking a key's grain and hand it to <see cref="Add"/>,
    /// so an answer that crossed a revocation on its way is not kept.
    /// </summary>
    public long Version => Interlocked.Read(ref _forgettings);

    public int Count => _entries.Count;

    /// <summary>
    /// The cached identity; null when the key must be asked of its grain. <paramref name="expired"/>: refuse it outright.
    /// </summary>
    public ApiKeyIdentity? Find(string keyHash, out bool expired)
    {
        expired = false;
        if (!_entries.TryGetValue(keyHash, out var entry)) return null;
        var now = clock.GetUtcNow();
        expired = entry.Key.ExpiresAt <= now;
        if (!expired && now - entry.CheckedAt < _revalidateAfter) return entry.Key.Identity;
        _entries.TryRemove(new KeyValuePair<string, Entry>(keyHash, entry));
        return null;
    }

    /// <summary>
    /// Keeps what the key's grain answered, unless something was forgotten since <paramref name="version"/> or the cache is full.
    /// </summary>
    public void Add(string keyHash, AuthenticatedApiKey key, long version)
    {
        if (!_entries.ContainsKey(keyHash) && _entries.Count >= _maxEntries) return;
        _entries[keyHash] = new Entry(key, clock.GetUtcNow());
        // Forget bumps the version before it removes: either it removes this entry, or the version shows here.
        if (Version != version) _entries.TryRemove(keyHash, out _);
    }

    public void Forget(string keyHash)
    {
        Interlocked.Increment(ref _forgettings);
        _entries.TryRemove(keyHash, out _);
    }

    /// <summary>Forgets everything: the silo may have missed news of a revoked key.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _forgettings);
        _entries.Clear();
    }

    /// <summary>Drops entries that would be asked of their grain anyway, so keys no longer used give their room back.</summary>
    public void Sweep()
    {
        var now = clock.GetUtcNow();
        foreach (var (keyHash, entry) in _entries)
            if (entry.Key.ExpiresAt <= now || now - entry.CheckedAt >= _revalidateAfter)
                _entries.TryRemove(new KeyValuePair<string, Entry>(keyHash, entry));
    }

    private sealed record Entry(AuthenticatedApiKey Key, DateTimeOffset CheckedAt);
}
