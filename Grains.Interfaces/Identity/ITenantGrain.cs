namespace Tollgate.Grains.Identity;

/// <summary>An organization: its settings, members with roles, and API keys.</summary>
[Alias("tollgate.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    Task<TenantInfo> Create(string name, string ownerId, string ownerEmail, AuditActor actor);

    Task<TenantInfo?> Get();

    /// <summary>The user's role, or null when the user is not a member (or the tenant does not exist).</summary>
    Task<TenantRole?> GetRole(string userId);

    Task<TenantInfo> Update(string? name, TenantSettings? settings, AuditActor actor);

    Task<IReadOnlyList<TenantMember>> GetMembers();

    /// <summary>
    /// Invites an email (normalized) to join with a role, for 7 days. It says nothing about whether the
    /// email has an account: the invitee finds it by their email once signed in.
    /// </summary>
    /// <param name="actingRole">The role of whoever asks: admins may not touch owners.</param>
    Task<TenantChange<TenantInvitation>> Invite(string email, TenantRole role, TenantRole actingRole, AuditActor actor);

    /// <summary>Pending, unexpired invitations.</summary>
    Task<IReadOnlyList<TenantInvitation>> GetInvitations();

    /// <summary>The invitation while it is pending and unexpired; null otherwise.</summary>
    Task<TenantInvitation?> GetInvitation(string invitationId);

    Task<TenantChange<TenantInvitation>> RevokeInvitation(string invitationId, TenantRole actingRole, AuditActor actor);

    /// <summary>Makes the user a member with the invitation's role, if it is pending and was sent to <paramref name="email"/>.</summary>
    Task<TenantChange<TenantMember>> AcceptInvitation(string invitationId, string userId, string email, AuditActor actor);

    Task<TenantChange<TenantInvitation>> DeclineInvitation(string invitationId, string email, AuditActor actor);

    /// <param name="actingRole">The role of whoever asks: admins may not touch owners.</param>
    Task<TenantChange<TenantMember>> ChangeRole(string userId, TenantRole role, TenantRole actingRole, AuditActor actor);
    Task<TenantChange<TenantMember>> RemoveMember(string userId, TenantRole actingRole, AuditActor actor);

    /// <summary>The tenant's customer id at a payment provider, or null before its first payment step.</summary>
    Task<string?> GetBillingCustomer(string provider);

    /// <summary>Keeps the tenant's customer at a provider; if one is already kept, that one stays and is returned.</summary>
    Task<string> SetBillingCustomer(string provider, string customerId, AuditActor actor);

    /// <summary>Audits a page opened at the provider for the tenant (a checkout, the billing portal).</summary>
    Task RecordBillingSession(string provider, string kind, string? sessionId, string? planId, AuditActor actor);

    Task<CreatedApiKey> CreateApiKey(NewApiKey key, AuditActor actor);
    Task<IReadOnlyList<ApiKeyInfo>> GetApiKeys();
    Task<bool> RevokeApiKey(string keyId, AuditActor actor);
}
