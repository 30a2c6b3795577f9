namespace Tollgate.Grains.Identity;

/// <summary>
/// The platform's API keys (one grain, key <see cref="Key"/>), made by the operator: each acts for whichever tenant a
/// request names, within its scopes, so one app serves many tenants with one key.
/// </summary>
[Alias("tollgate.IPlatformApiKeysGrain")]
public interface IPlatformApiKeysGrain : IGrainWithStringKey
{
    public const string Key = "platform";

    Task<CreatedApiKey> CreateApiKey(NewApiKey key, AuditActor actor);
    Task<IReadOnlyList<ApiKeyInfo>> GetApiKeys();
    Task<bool> RevokeApiKey(string keyId, AuditActor actor);
}
