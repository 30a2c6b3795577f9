namespace Tollgate.Grains.Identity;

/// <summary>
/// One login: a family of refresh tokens, each replacing the one before. Reusing a spent token
/// means it was stolen or leaked, so the whole family is revoked.
/// </summary>
[Alias("tollgate.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    Task<RefreshToken> Start(string userId, AuditActor actor);

    /// <param name="actor">Who presented the token: named in the audit entry when a replay revokes the session.</param>
    Task<RefreshResult> Refresh(string secret, AuditActor actor);

    /// <summary>Revokes the session when the secret is one of its tokens (logout).</summary>
    Task<bool> Logout(string secret, AuditActor actor);

    Task Revoke();

    /// <summary>The session's user while the session is live; null once it is revoked, expired or unknown.</summary>
    Task<string?> GetLiveUserId();

    /// <summary>
    /// The session's user for an access token issued at <paramref name="issuedAt"/>: while the session is
    /// not revoked, and if the token was issued before the session expired (the token's own expiry bounds it after that).
    /// Null for a revoked or unknown session.
    /// </summary>
    Task<string?> GetUserIdForTokenIssuedAt(DateTimeOffset issuedAt);
}
