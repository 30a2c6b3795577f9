namespace Tollgate.Grains.Identity;

/// <summary>One API key, addressed by the SHA-256 of the key itself: the key is never stored.</summary>
[Alias("tollgate.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    Task Issue(ApiKeyIdentity identity, DateTimeOffset? expiresAt);

    /// <summary>Null when unknown, revoked or expired; records the use otherwise.</summary>
    Task<AuthenticatedApiKey?> Authenticate();

    Task<DateTimeOffset?> GetLastUsedAt();

    Task Revoke();
}
