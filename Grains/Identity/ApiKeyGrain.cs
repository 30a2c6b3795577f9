
using Microsoft.Extensions.Logging;

namespace Tollgate.Grains.Identity;

public sealed class ApiKeyState
{
    /// <summary>Null for a platform key.</summary>
    public string? TenantId { get; set; }
    public string KeyId { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
    public DateTimeOffset? ExpiresAt { get; set; }
    public bool Revoked { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>Keyed by the key's hash. Last use is kept in memory and stored as <see cref="ApiKeyLastUse"/> says.</summary>
[GrainType("api-key")]
public sealed class ApiKeyGrain(
    [PersistentState("key", StorageNames.Default)] IPersistentState<ApiKeyState> key, ILogger<ApiKeyGrain> logger)
    : TollgateGrain, IApiKeyGrain
{
    private DateTimeOffset? _lastUsedInMemory;

    public async Task Issue(ApiKeyIdentity identity, DateTimeOffset? expiresAt)
    {
        if (key.RecordExists) throw new InvalidOperationException("This API key already exists.");
        key.State = new ApiKeyState { TenantId = identity.TenantId, KeyId = identity.KeyId, Scopes = [.. identity.Scopes], ExpiresAt = expiresAt };
        await key.WriteStateAsync();
    }

    public async Task<AuthenticatedApiKey?> Authenticate()
    {
        var now = TimeProvider.GetUtcNow();
        var state = key.State;
        if (!key.RecordExists) return NothingHeld<AuthenticatedApiKey?>(null);
        if (state.Revoked || state.ExpiresAt <= now) return null;
        _lastUsedInMemory = now;
        if (ApiKeyLastUse.ShouldStore(state.LastUsedAt, now))
        {
            state.LastUsedAt = now;
            await key.WriteStateAsync();
        }
        return new AuthenticatedApiKey(new ApiKeyIdentity(state.TenantId, state.KeyId, state.Scopes), state.ExpiresAt);
    }

    public Task<DateTimeOffset?> GetLastUsedAt() => Task.FromResult(_lastUsedInMemory ?? key.State.LastUsedAt);

    public async Task Revoke()
    {
        if (!key.RecordExists || key.State.Revoked) return;
        key.State.Revoked = true;
        await key.WriteStateAsync();
        try
        {
            await GrainFactory.GetGrain<IApiKeyCacheHubGrain>(0).Forget(this.GetPrimaryKeyString());
        }
        catch (Exception exception)
        {
            // The revocation stands; silos the news did not reach stop trusting the key within Auth:ApiKeyCache:RevalidateAfter.
            logger.LogWarning(exception, "The silos' API-key caches could not be told of a revoked key.");
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (key.RecordExists && _lastUsedInMemory > key.State.LastUsedAt)
        {
            key.State.LastUsedAt = _lastUsedInMemory;
            await key.WriteStateAsync();
        }
    }
}
