namespace Tollgate.Grains.Identity;

/// <summary>
/// What a tenant and the platform do alike with the API keys they keep: make one (its secret shown once, only its hash
/// kept), describe it to the audit log, and list it with its last use.
/// </summary>
internal static class KeptApiKeys
{
    /// <summary>
    /// A new key and its grain, acting for <paramref name="tenantId"/> (null: a platform key). The key grain exists
    /// before its keeper lists the key, so a listed key always works.
    /// </summary>
    public static async Task<(StoredApiKey Stored, string Secret)> IssueAsync(
        IGrainFactory grains, string idPrefix, string? tenantId, NewApiKey newKey, DateTimeOffset now)
    {
        var id = Secrets.NewId(idPrefix);
        var secret = "tg_" + Secrets.RandomToken(32); // 256 bits of entropy
        var hash = Secrets.Hash(secret);
        var stored = new StoredApiKey(id, newKey.Name, secret[..10], [.. newKey.Scopes], now, newKey.ExpiresAt, hash);
        await grains.GetGrain<IApiKeyGrain>(hash).Issue(new ApiKeyIdentity(tenantId, id, stored.Scopes), newKey.ExpiresAt);
        return (stored, secret);
    }

    /// <summary>What the audit log keeps of a key it saw made: never the key, nor its hash.</summary>
    public static object Created(StoredApiKey key) =>
        new { name = key.Name, prefix = key.Prefix, scopes = key.Scopes, expiresAt = key.ExpiresAt };

    /// <summary>What the audit log keeps of a key it saw revoked.</summary>
    public static object Revoked(StoredApiKey key) => new { name = key.Name, prefix = key.Prefix, scopes = key.Scopes };

    /// <summary>The keys, oldest first, each with its last use as its key grain knows it.</summary>
    public static async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(IGrainFactory grains, IEnumerable<StoredApiKey> kept)
    {
        var keys = kept.OrderBy(k => k.CreatedAt).ToList();
        var lastUsed = await Task.WhenAll(keys.Select(k => grains.GetGrain<IApiKeyGrain>(k.Hash).GetLastUsedAt()));
        return keys.Select((k, i) => Info(k, lastUsed[i])).ToList();
    }

    public static ApiKeyInfo Info(StoredApiKey key, DateTimeOffset? lastUsedAt) =>
        new(key.Id, key.Name, key.Prefix, key.Scopes, key.CreatedAt, key.ExpiresAt, lastUsedAt);
}
