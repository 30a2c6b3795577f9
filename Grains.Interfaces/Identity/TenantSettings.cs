namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.TenantSettings")]
public sealed record TenantSettings(string? BillingEmail);
