namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.ApiKeyIdentity")]
public sealed record ApiKeyIdentity(string TenantId, string KeyId, IReadOnlyList<string> Scopes);
