namespace Tollgate.Api.Auth;

/// <summary>What the hub calls on this silo when a key changes: the cache forgets it before the call returns.</summary>
public sealed class ApiKeyCacheObserver(ApiKeyCache cache) : IApiKeyCacheObserver
{
    public Task Forget(string keyHash)
    {
        cache.Forget(keyHash);
        return Task.CompletedTask;
    }
}
