namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.ApiKeyInfo")]
public sealed record ApiKeyInfo(string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);
