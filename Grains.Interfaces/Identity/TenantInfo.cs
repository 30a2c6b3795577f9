namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.TenantInfo")]
public sealed record TenantInfo(string Id, string Name, TenantSettings Settings, DateTimeOffset CreatedAt);
