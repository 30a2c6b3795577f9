namespace Tollgate.Api.Auth;

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn);

/// <summary>Starts logins and turns session tokens into token pairs.</summary>
public sealed class Sessions(IGrainFactory grains, AccessTokens accessTokens)
{
    public async Task<TokenPair> StartAsync(string userId, AuditActor actor)
    {
        var sessionId = Secrets.NewId("ses");
        var refresh = await grains.GetGrain<ISessionGrain>(sessionId).Start(userId, actor);
        await grains.GetGrain<IUserGrain>(userId).AddSession(sessionId);
        return Pair(userId, refresh);
    }

    public TokenPair Pair(string userId, RefreshToken refresh)
    {
        var (token, expiresIn) = accessTokens.Issue(userId, refresh.SessionId);
        return new TokenPair(token, refresh.ToString(), expiresIn);
    }
}
