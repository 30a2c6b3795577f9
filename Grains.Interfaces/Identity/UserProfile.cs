namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.UserProfile")]
public sealed record UserProfile(
    string Id, string Email, string Name, bool Disabled, bool IsOperator, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, TenantRole> Tenants,
    bool EmailVerified);
