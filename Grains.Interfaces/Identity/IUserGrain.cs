namespace Tollgate.Grains.Identity;

/// <summary>A person: profile, password, tenant memberships and login sessions.</summary>
[Alias("tollgate.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user as the owner of <see cref="NewUser.TenantId"/>. Idempotent for the same email.</summary>
    Task<UserProfile> Create(NewUser user, AuditActor actor);

    /// <summary>Null when no such user exists.</summary>
    Task<UserProfile?> GetProfile();

    /// <summary>
    /// Success when the user exists, is enabled and the password matches; Disabled when it matches
    /// but the user is disabled; otherwise Invalid.
    /// </summary>
    Task<LoginResult> CheckPassword(string password);

    Task<UserProfile> Rename(string name, AuditActor actor);

    /// <summary>False when the current password is wrong; on success every session is revoked.</summary>
    Task<bool> ChangePassword(string currentPassword, string newPassword, AuditActor actor);

    /// <summary>Disabling revokes every session; access tokens stop working at once.</summary>
    Task<UserProfile> SetDisabled(bool disabled, AuditActor actor);

    /// <summary>Makes the user a platform operator (bootstrap from Admin:Email), whose address counts as verified.</summary>
    Task GrantOperator(AuditActor actor);

    /// <summary>Proves the address with the secret of the last verification link sent.</summary>
    Task<EmailLinkResult> VerifyEmail(string secret, AuditActor actor);

    /// <summary>Sends a new verification link, replacing the last; false when the address is verified already.</summary>
    Task<bool> ResendVerification(AuditActor actor);

    /// <summary>Sends a password reset link (valid 30 minutes, once), replacing any earlier one.</summary>
    Task StartPasswordReset(AuditActor actor);

    /// <summary>
    /// Sets a new password with the secret of the last reset link; on success every session is revoked and
    /// the address counts as verified (the link reached its mailbox).
    /// </summary>
    Task<EmailLinkResult> ResetPassword(string secret, string newPassword, AuditActor actor);

    Task AddSession(string sessionId);

    Task JoinTenant(string tenantId, TenantRole role);
    Task LeaveTenant(string tenantId);
}
