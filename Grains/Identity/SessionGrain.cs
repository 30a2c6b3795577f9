using Tollgate.Runtime;

namespace Tollgate.Grains.Identity;

public sealed class SessionState
{
    public string UserId { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public List<string> SpentHashes { get; set; } = [];
    public DateTimeOffset ExpiresAt { get; set; }
    public bool Revoked { get; set; }
}

[GrainType("session")]
public sealed class SessionGrain([PersistentState("session")] IPersistentState<SessionState> session) : Grain, ISessionGrain
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    // Enough spent secrets to recognize a replay of any recent token of this login.
    private const int SpentHashesKept = 100;

    public async Task<RefreshToken> Start(string userId)
    {
        if (session.RecordExists) throw new InvalidOperationException($"Session {GrainId.Key} already exists.");
        session.State = new SessionState { UserId = userId, ExpiresAt = TimeProvider.GetUtcNow() + Lifetime };
        return await IssueAsync();
    }

    public async Task<RefreshResult> Refresh(string secret)
    {
        var state = session.State;
        if (!session.RecordExists || state.Revoked || state.ExpiresAt <= TimeProvider.GetUtcNow()) return new RefreshResult.Refused();
        var hash = Secrets.Hash(secret);
        if (Secrets.HashEquals(hash, state.SecretHash))
        {
            state.SpentHashes.Add(hash);
            if (state.SpentHashes.Count > SpentHashesKept) state.SpentHashes.RemoveAt(0);
            return new RefreshResult.Rotated(state.UserId, await IssueAsync());
        }
        if (state.SpentHashes.Contains(hash)) await Revoke(); // a spent token came back: someone else holds this login
        return new RefreshResult.Refused();
    }

    public async Task<bool> Logout(string secret)
    {
        if (!session.RecordExists || session.State.Revoked) return false;
        var hash = Secrets.Hash(secret);
        if (!Secrets.HashEquals(hash, session.State.SecretHash) && !session.State.SpentHashes.Contains(hash)) return false;
        await Revoke();
        return true;
    }

    public async Task Revoke()
    {
        if (!session.RecordExists || session.State.Revoked) return;
        session.State.Revoked = true;
        await session.WriteStateAsync();
    }

    private async Task<RefreshToken> IssueAsync()
    {
        var secret = Secrets.RandomToken(32);
        session.State.SecretHash = Secrets.Hash(secret);
        await session.WriteStateAsync();
        return new RefreshToken(GrainId.Key, secret);
    }
}
