
namespace Tollgate.Grains.Identity;

/// <summary>A refresh token handed to a client: "{sessionId}.{secret}".</summary>
[GenerateSerializer, Immutable, Alias("tollgate.RefreshToken")]
public sealed record RefreshToken(string SessionId, string Secret)
{
    public override string ToString() => $"{SessionId}.{Secret}";

    public static RefreshToken? Parse(string? token)
    {
        var dot = token?.IndexOf('.') ?? -1;
        return dot > 0 && dot < token!.Length - 1 ? new RefreshToken(token[..dot], token[(dot + 1)..]) : null;
    }
}

[GenerateSerializer, Immutable, Alias("tollgate.RefreshResult")]
public abstract record RefreshResult
{
    [GenerateSerializer, Immutable, Alias("tollgate.RefreshResult.Rotated")]
    public sealed record Rotated(string UserId, RefreshToken Token) : RefreshResult;
    /// <summary>Unknown, expired, revoked, or a spent token replayed (which revokes the whole session).</summary>
    [GenerateSerializer, Immutable, Alias("tollgate.RefreshResult.Refused")]
    public sealed record Refused : RefreshResult;
}

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
