
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
public sealed class SessionGrain(
    [PersistentState("session", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<SessionState>> store, IStateEntryReader entries)
    : RecordingGrain, ISessionGrain
{
    private readonly StateWithRecords<SessionState> _session = new(store, entries);

    private protected override IOwnedByGrain Recorded => _session;

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    // Enough spent secrets to recognize a replay of any recent token of this login.
    private const int SpentHashesKept = 100;

    public async Task<RefreshToken> Start(string userId, AuditActor actor)
    {
        if (_session.RecordExists) throw new InvalidOperationException($"Session {this.GetPrimaryKeyString()} already exists.");
        _session.State = new SessionState { UserId = userId, ExpiresAt = TimeProvider.GetUtcNow() + Lifetime };
        return await IssueAsync([SessionAudit(actor with { Type = "user", Id = userId }, "session.started")]);
    }

    public async Task<RefreshResult> Refresh(string secret, AuditActor actor)
    {
        var state = _session.State;
        if (!_session.RecordExists) return NothingHeld<RefreshResult>(new RefreshResult.Refused());
        if (state.Revoked || state.ExpiresAt <= TimeProvider.GetUtcNow()) return new RefreshResult.Refused();
        var hash = Secrets.Hash(secret);
        if (Secrets.HashEquals(hash, state.SecretHash))
        {
            state.SpentHashes.Add(hash);
            if (state.SpentHashes.Count > SpentHashesKept) state.SpentHashes.RemoveAt(0);
            return new RefreshResult.Rotated(state.UserId, await IssueAsync([]));
        }
        // A spent token came back: someone else holds this login.
        if (state.SpentHashes.Contains(hash)) await RevokeAsync(SessionAudit(actor, "session.revoked", reason: "refresh token reused"));
        return new RefreshResult.Refused();
    }

    public async Task<bool> Logout(string secret, AuditActor actor)
    {
        if (!_session.RecordExists) return NothingHeld(false);
        if (_session.State.Revoked) return false;
        var hash = Secrets.Hash(secret);
        if (!Secrets.HashEquals(hash, _session.State.SecretHash) && !_session.State.SpentHashes.Contains(hash)) return false;
        await RevokeAsync(SessionAudit(actor with { Type = "user", Id = _session.State.UserId }, "session.ended"));
        return true;
    }

    public Task<string?> GetLiveUserId() =>
        Task.FromResult(!_session.RecordExists ? NothingHeld<string?>(null)
            : !_session.State.Revoked && _session.State.ExpiresAt > TimeProvider.GetUtcNow() ? _session.State.UserId
            : null);

    public Task<string?> GetUserIdForTokenIssuedAt(DateTimeOffset issuedAt) =>
        Task.FromResult(!_session.RecordExists ? NothingHeld<string?>(null)
            : !_session.State.Revoked && issuedAt < _session.State.ExpiresAt ? _session.State.UserId
            : null);

    // Revoked together with a change audited by the caller (password change, disabled user).
    public Task Revoke() => RevokeAsync(null);

    private async Task RevokeAsync(JournalRecord? audit)
    {
        if (!_session.RecordExists || _session.State.Revoked) return;
        _session.State.Revoked = true;
        await _session.WriteStateAsync(audit is null ? [] : [audit]);
    }

    private async Task<RefreshToken> IssueAsync(IReadOnlyList<JournalRecord> audit)
    {
        var secret = Secrets.RandomToken(32);
        _session.State.SecretHash = Secrets.Hash(secret);
        await _session.WriteStateAsync(audit);
        return new RefreshToken(this.GetPrimaryKeyString(), secret);
    }

    private JournalRecord SessionAudit(AuditActor actor, string action, string? reason = null) =>
        AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, action, "session", this.GetPrimaryKeyString(),
            after: new { userId = _session.State.UserId, reason });
}
