
namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.UserProfile")]
public sealed record UserProfile(string Id, string Email, string Name, bool Disabled, bool IsOperator, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, TenantRole> Tenants);

[GenerateSerializer, Immutable, Alias("tollgate.NewUser")]
public sealed record NewUser(string Email, string Name, string Password, string TenantId);

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

    /// <summary>Makes the user a platform operator (bootstrap from Admin:Email).</summary>
    Task GrantOperator(AuditActor actor);

    Task AddSession(string sessionId);

    Task JoinTenant(string tenantId, TenantRole role);
    Task LeaveTenant(string tenantId);
}
