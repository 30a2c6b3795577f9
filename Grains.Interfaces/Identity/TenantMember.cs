namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.TenantMember")]
public sealed record TenantMember(string UserId, string Email, TenantRole Role, DateTimeOffset AddedAt);
