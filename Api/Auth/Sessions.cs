using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Tollgate.Api.Auth;

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn);

/// <summary>
/// Checks credentials and starts logins, for the JSON API (token pairs) and the pages (a cookie),
/// so both share the email account's password check and its lockout.
/// </summary>
public sealed class Sessions(IGrainFactory grains, AccessTokens accessTokens)
{
    /// <summary>Checks an email and password; failures count towards the email's lockout, whether it has an account or not.</summary>
    public Task<LoginResult> CheckPasswordAsync(string email, string password)
    {
        // Any text may be tried as an email; one that is not an address simply has no account.
        var normalized = Infrastructure.Inputs.NormalizeEmail(email);
        return normalized is { Length: <= 254 }
            ? grains.GetGrain<IEmailAccountGrain>(normalized).Login(password)
            : Task.FromResult<LoginResult>(new LoginResult.Invalid());
    }

    /// <summary>Starts a session for a signed-in user; its refresh token names the session.</summary>
    public async Task<RefreshToken> OpenAsync(string userId, AuditActor actor)
    {
        var sessionId = Secrets.NewId("ses");
        var refresh = await grains.GetGrain<ISessionGrain>(sessionId).Start(userId, actor);
        await grains.GetGrain<IUserGrain>(userId).AddSession(sessionId);
        return refresh;
    }

    public async Task<TokenPair> StartAsync(string userId, AuditActor actor) => Pair(userId, await OpenAsync(userId, actor));

    public TokenPair Pair(string userId, RefreshToken refresh)
    {
        var (token, expiresIn) = accessTokens.Issue(userId, refresh.SessionId);
        return new TokenPair(token, refresh.ToString(), expiresIn);
    }

    /// <summary>
    /// The user a session belongs to while both are live: the session not revoked or expired, the
    /// user existing and enabled. Null otherwise.
    /// </summary>
    public async Task<UserProfile?> LiveUserAsync(string userId, string sessionId)
    {
        if (await grains.GetGrain<ISessionGrain>(sessionId).GetLiveUserId() != userId) return null;
        return await ActiveUserAsync(grains, userId);
    }

    /// <summary>
    /// True when an access token's user is active and its session (<c>sid</c>) exists, is not revoked and
    /// had not expired when the token was issued: a token is refused as soon as its login ends.
    /// </summary>
    public async Task<bool> IsTokenLiveAsync(ClaimsPrincipal principal, DateTimeOffset issuedAt) =>
        principal.UserId() is { } userId
        && principal.FindFirstValue(JwtRegisteredClaimNames.Sid) is { } sessionId
        && await grains.GetGrain<ISessionGrain>(sessionId).GetUserIdForTokenIssuedAt(issuedAt) == userId
        && await ActiveUserAsync(grains, userId) is not null;

    /// <summary>Disabled or deleted users lose access at once, whatever their credential says.</summary>
    public static async Task<UserProfile?> ActiveUserAsync(IGrainFactory grains, string userId) =>
        await grains.GetGrain<IUserGrain>(userId).GetProfile() is { Disabled: false } profile ? profile : null;
}
