using Microsoft.AspNetCore.DataProtection;

namespace Tollgate.Grains.Identity;

public sealed class UserState
{
    public string Email { get; set; } = "";
    public string Name { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public bool Disabled { get; set; }
    public bool IsOperator { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Dictionary<string, TenantRole> Tenants { get; set; } = [];
    public List<string> Sessions { get; set; } = [];
    public bool EmailVerified { get; set; }
    /// <summary>The last verification link sent, until it is used.</summary>
    public LinkSecret? Verification { get; set; }
    /// <summary>The last password reset link sent, until it is used.</summary>
    public LinkSecret? PasswordReset { get; set; }
}

[GrainType("user")]
public sealed class UserGrain(
    [PersistentState("user", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<UserState>> store, IStateEntryReader entries,
    IDataProtectionProvider dataProtection)
    : RecordingGrain, IUserGrain
{
    private readonly StateWithRecords<UserState> _user = new(store, entries);
    private readonly IDataProtector _linkTokens = dataProtection.CreateProtector(AccountEmail.TokenPurpose);

    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromHours(48);
    public static readonly TimeSpan PasswordResetLifetime = TimeSpan.FromMinutes(30);

    private protected override IOwnedByGrain Recorded => _user;

    // Sessions are remembered so they can be revoked; the oldest are forgotten past this many.
    private const int MaxSessions = 200;

    private UserState State => _user.State;

    public async Task<UserProfile> Create(NewUser newUser, AuditActor actor)
    {
        if (_user.RecordExists)
            return State.Email == newUser.Email ? Profile() : throw new InvalidOperationException($"User {this.GetPrimaryKeyString()} already exists.");
        var now = TimeProvider.GetUtcNow();
        _user.State = new UserState
        {
            Email = newUser.Email,
            Name = newUser.Name,
            PasswordHash = Passwords.Hash(newUser.Password),
            CreatedAt = now,
            Tenants = { [newUser.TenantId] = TenantRole.Owner },
            EmailVerified = newUser.EmailVerified,
        };
        List<JournalRecord> records = [AuditJournal.Record(actor, now, newUser.TenantId, "user.registered", "user", this.GetPrimaryKeyString(),
            after: new { email = newUser.Email, name = newUser.Name, emailVerified = newUser.EmailVerified })];
        if (!newUser.EmailVerified) records.Add(NewVerificationLink(now));
        await _user.WriteStateAsync(records);
        return Profile();
    }

    public Task<UserProfile?> GetProfile() => Task.FromResult(_user.RecordExists ? Profile() : NothingHeld<UserProfile?>(null));

    public Task<LoginResult> CheckPassword(string password)
    {
        if (!_user.RecordExists)
        {
            Passwords.SpendDecoyVerification(password);
            return Task.FromResult<LoginResult>(new LoginResult.Invalid());
        }
        LoginResult result = !Passwords.Verify(State.PasswordHash, password) ? new LoginResult.Invalid()
            : State.Disabled ? new LoginResult.Disabled()
            : new LoginResult.Success(this.GetPrimaryKeyString());
        return Task.FromResult(result);
    }

    public async Task<UserProfile> Rename(string name, AuditActor actor)
    {
        EnsureExists();
        var before = State.Name;
        State.Name = name;
        await _user.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, "user.updated", "user", this.GetPrimaryKeyString(),
            before: new { name = before }, after: new { name })]);
        return Profile();
    }

    public async Task<bool> ChangePassword(string currentPassword, string newPassword, AuditActor actor)
    {
        EnsureExists();
        if (!Passwords.Verify(State.PasswordHash, currentPassword)) return false;
        State.PasswordHash = Passwords.Hash(newPassword);
        var sessions = State.Sessions.ToList();
        State.Sessions.Clear();
        await _user.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, "user.password_changed", "user", this.GetPrimaryKeyString())]);
        await RevokeAsync(sessions);
        return true;
    }

    public async Task<UserProfile> SetDisabled(bool disabled, AuditActor actor)
    {
        EnsureExists();
        if (State.Disabled == disabled) return Profile();
        State.Disabled = disabled;
        var sessions = disabled ? State.Sessions.ToList() : [];
        if (disabled) State.Sessions.Clear();
        await _user.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, disabled ? "user.disabled" : "user.enabled", "user", this.GetPrimaryKeyString(),
            before: new { disabled = !disabled }, after: new { disabled })]);
        await RevokeAsync(sessions);
        return Profile();
    }

    public async Task GrantOperator(AuditActor actor)
    {
        EnsureExists();
        if (State.IsOperator && State.EmailVerified) return;
        List<JournalRecord> records = [];
        if (!State.IsOperator)
            records.Add(AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, "user.operator_granted", "user", this.GetPrimaryKeyString()));
        // The operator's address comes from the silo's own configuration: it counts as verified.
        if (!State.EmailVerified)
        {
            await GrainFactory.GetGrain<IEmailSkeletonGrain>(EmailSkeleton.Of(State.Email)).Claim(State.Email);
            records.Add(EmailVerifiedAudit(actor, "operator bootstrap"));
        }
        (State.IsOperator, State.EmailVerified, State.Verification) = (true, true, null);
        await _user.WriteStateAsync(records);
    }

    public async Task<EmailLinkResult> VerifyEmail(string secret, AuditActor actor)
    {
        if (!_user.RecordExists) return Refused();
        if (await UseLinkAsync(State.Verification, secret) is { } refused) return refused;
        if (!await MayVerifyAsync()) return EmailLinkResult.LookAlikeTaken;
        (State.EmailVerified, State.Verification) = (true, null);
        await _user.WriteStateAsync([EmailVerifiedAudit(actor, "link")]);
        return EmailLinkResult.Done;
    }

    public async Task<bool> ResendVerification(AuditActor actor)
    {
        EnsureExists();
        if (State.EmailVerified) return false;
        var now = TimeProvider.GetUtcNow();
        await _user.WriteStateAsync([
            AuditJournal.Record(actor, now, null, "user.verification_sent", "user", this.GetPrimaryKeyString(), after: new { email = State.Email }),
            NewVerificationLink(now)]);
        return true;
    }

    public async Task StartPasswordReset(AuditActor actor)
    {
        EnsureExists();
        var now = TimeProvider.GetUtcNow();
        var token = LinkToken.New(this.GetPrimaryKeyString());
        State.PasswordReset = LinkSecret.For(token, now + PasswordResetLifetime);
        await _user.WriteStateAsync([
            AuditJournal.Record(actor, now, null, "user.password_reset_requested", "user", this.GetPrimaryKeyString(), after: new { email = State.Email }),
            AccountEmailJournal.Record(_linkTokens, AccountEmail.PasswordReset, State.Email, State.Name, token, now)]);
    }

    public async Task<EmailLinkResult> ResetPassword(string secret, string newPassword, AuditActor actor)
    {
        if (!_user.RecordExists) return Refused();
        if (await UseLinkAsync(State.PasswordReset, secret) is { } refused) return refused;
        State.PasswordHash = Passwords.Hash(newPassword);
        State.PasswordReset = null;
        var sessions = State.Sessions.ToList();
        State.Sessions.Clear();
        List<JournalRecord> records = [AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, "user.password_reset", "user", this.GetPrimaryKeyString())];
        // The link reached the address's mailbox, which proves it as a verification link would.
        if (!State.EmailVerified && await MayVerifyAsync())
        {
            (State.EmailVerified, State.Verification) = (true, null);
            records.Add(EmailVerifiedAudit(actor, "password reset"));
        }
        await _user.WriteStateAsync(records);
        await RevokeAsync(sessions);
        return EmailLinkResult.Done;
    }

    /// <summary>Null when the secret matches the live link, which is then spent; else the refusal, a wrong secret counted.</summary>
    private async Task<EmailLinkResult?> UseLinkAsync(LinkSecret? link, string secret)
    {
        if (link is null || !link.IsLive(TimeProvider.GetUtcNow())) return EmailLinkResult.Invalid;
        if (link.Matches(secret)) return null;
        link.Failures++;
        await _user.WriteStateAsync();
        return EmailLinkResult.Invalid;
    }

    /// <summary>
    /// Whether this address may count as verified: no look-alike of it is verified first, or the address was invited
    /// (an inviter named it exactly, so a look-alike that got there first must not lock its owner out).
    /// </summary>
    private async Task<bool> MayVerifyAsync() =>
        await GrainFactory.GetGrain<IEmailSkeletonGrain>(EmailSkeleton.Of(State.Email)).Claim(State.Email)
        || (await GrainFactory.GetGrain<IInviteeGrain>(State.Email).GetInvitations()).Count > 0;

    /// <summary>A link for an id no user has: refused, and the empty activation does not outlive the request.</summary>
    private EmailLinkResult Refused()
    {
        DeactivateOnIdle();
        return EmailLinkResult.Invalid;
    }

    /// <summary>A new verification link replaces the last; the record sends it.</summary>
    private JournalRecord NewVerificationLink(DateTimeOffset now)
    {
        var token = LinkToken.New(this.GetPrimaryKeyString());
        State.Verification = LinkSecret.For(token, now + VerificationLifetime);
        return AccountEmailJournal.Record(_linkTokens, AccountEmail.VerifyEmail, State.Email, State.Name, token, now);
    }

    private JournalRecord EmailVerifiedAudit(AuditActor actor, string by) =>
        AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, "user.email_verified", "user", this.GetPrimaryKeyString(),
            after: new { email = State.Email, by });

    public async Task AddSession(string sessionId)
    {
        EnsureExists();
        State.Sessions.Add(sessionId);
        if (State.Sessions.Count > MaxSessions) State.Sessions.RemoveRange(0, State.Sessions.Count - MaxSessions);
        await _user.WriteStateAsync();
    }

    public async Task JoinTenant(string tenantId, TenantRole role)
    {
        EnsureExists();
        State.Tenants[tenantId] = role;
        await _user.WriteStateAsync();
    }

    public async Task LeaveTenant(string tenantId)
    {
        if (_user.RecordExists && State.Tenants.Remove(tenantId)) await _user.WriteStateAsync();
    }

    private Task RevokeAsync(IEnumerable<string> sessions) =>
        Task.WhenAll(sessions.Select(id => GrainFactory.GetGrain<ISessionGrain>(id).Revoke()));

    private void EnsureExists()
    {
        if (!_user.RecordExists) throw new KeyNotFoundException($"User {this.GetPrimaryKeyString()} does not exist.");
    }

    private UserProfile Profile() =>
        new(this.GetPrimaryKeyString(), State.Email, State.Name, State.Disabled, State.IsOperator, State.CreatedAt, new Dictionary<string, TenantRole>(State.Tenants),
            State.EmailVerified);
}
