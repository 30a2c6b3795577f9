namespace Tollgate.Grains.Identity;

public sealed class PlatformApiKeysState
{
    public Dictionary<string, StoredApiKey> ApiKeys { get; set; } = [];
}

/// <summary>
/// The platform's API keys, as a tenant keeps its own (<see cref="TenantGrain"/>), audited in the platform's log. Its
/// state holds the keys' hashes, so the dashboard does not show it.
/// </summary>
[GrainType("platform-api-keys")]
public sealed class PlatformApiKeysGrain(
    [PersistentState("keys", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<PlatformApiKeysState>> store,
    IStateEntryReader entries)
    : RecordingGrain, IPlatformApiKeysGrain
{
    private readonly StateWithRecords<PlatformApiKeysState> _keys = new(store, entries);

    private protected override IOwnedByGrain Recorded => _keys;

    public async Task<CreatedApiKey> CreateApiKey(NewApiKey newKey, AuditActor actor)
    {
        var (stored, secret) = await KeptApiKeys.IssueAsync(GrainFactory, "pkey", tenantId: null, newKey, TimeProvider.GetUtcNow());
        _keys.State.ApiKeys[stored.Id] = stored;
        await _keys.WriteStateAsync([Audit(actor, stored.CreatedAt, "platform_apikey.created", stored.Id,
            before: null, after: KeptApiKeys.Created(stored))]);
        return new CreatedApiKey(KeptApiKeys.Info(stored, lastUsedAt: null), secret);
    }

    public Task<IReadOnlyList<ApiKeyInfo>> GetApiKeys() => KeptApiKeys.ListAsync(GrainFactory, _keys.State.ApiKeys.Values);

    public async Task<bool> RevokeApiKey(string keyId, AuditActor actor)
    {
        if (!_keys.State.ApiKeys.TryGetValue(keyId, out var stored)) return false;
        // Refused from this moment, on every silo: the key grain says no and tells the silos' caches to forget it.
        await GrainFactory.GetGrain<IApiKeyGrain>(stored.Hash).Revoke();
        _keys.State.ApiKeys.Remove(keyId);
        await _keys.WriteStateAsync([Audit(actor, TimeProvider.GetUtcNow(), "platform_apikey.revoked", keyId,
            before: KeptApiKeys.Revoked(stored), after: null)]);
        return true;
    }

    /// <summary>An entry of the platform's audit log (no tenant's) about one of its keys.</summary>
    private static JournalRecord Audit(AuditActor actor, DateTimeOffset at, string action, string keyId, object? before, object? after) =>
        AuditJournal.Record(actor, at, tenantId: null, action, "platformApiKey", keyId, before, after);
}
