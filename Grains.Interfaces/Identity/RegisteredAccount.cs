namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.RegisteredAccount")]
public sealed record RegisteredAccount(UserProfile User, TenantInfo Tenant);
