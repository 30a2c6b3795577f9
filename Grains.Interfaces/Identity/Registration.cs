namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.Registration")]
public sealed record Registration(string Email, string Password, string Name, string TenantName, bool EmailVerified = false);
