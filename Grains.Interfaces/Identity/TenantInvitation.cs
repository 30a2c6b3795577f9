namespace Tollgate.Grains.Identity;

/// <summary>A pending invitation to join a tenant with a role; it names an email, never an account.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.TenantInvitation")]
public sealed record TenantInvitation(string Id, string TenantId, string Email, TenantRole Role, string InvitedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
