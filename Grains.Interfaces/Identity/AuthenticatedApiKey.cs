
namespace Tollgate.Grains.Identity;

/// <summary>What a live key authenticates as, and until when: a silo that caches it refuses it from then on by itself.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.AuthenticatedApiKey")]
public sealed record AuthenticatedApiKey(ApiKeyIdentity Identity, DateTimeOffset? ExpiresAt);
