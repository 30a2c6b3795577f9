
namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.ApiKeyIdentity")]
public sealed record ApiKeyIdentity(string TenantId, string KeyId, IReadOnlyList<string> Scopes);

public static class ApiKeyScopes
{
    public const string QuotaConsume = "quota:consume";
    public const string QuotaRead = "quota:read";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { QuotaConsume, QuotaRead };
}

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
