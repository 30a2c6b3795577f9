namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.CreatedApiKey")]
public sealed record CreatedApiKey(ApiKeyInfo Info, string Key);
