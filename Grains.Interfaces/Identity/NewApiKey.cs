namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.NewApiKey")]
public sealed record NewApiKey(string Name, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);
