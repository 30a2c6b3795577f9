namespace Tollgate.Grains.Identity;

/// <param name="TenantId">The tenant the key acts for; null for a platform key, which acts for the tenant each request names.</param>
[GenerateSerializer, Immutable, Alias("tollgate.ApiKeyIdentity")]
public sealed record ApiKeyIdentity(string? TenantId, string KeyId, IReadOnlyList<string> Scopes);
