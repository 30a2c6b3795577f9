namespace Tollgate.Grains.Identity;

/// <param name="EmailVerified">The address is proven already (the operator's bootstrap account); otherwise a verification link is sent.</param>
[GenerateSerializer, Immutable, Alias("tollgate.NewUser")]
public sealed record NewUser(string Email, string Name, string Password, string TenantId, bool EmailVerified = false);
