
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
}

[GrainType("user")]
public sealed class UserGrain(
    [PersistentState("user", StorageNames.Default)] IPersistentState<Journaled<UserState>> store, IJournalWriter journal)
    : JournaledGrain, IUserGrain
{
    private readonly JournaledState<UserState> user = new(store, journal);

    private protected override IJournalOutboxOwner Journal => user;

    // Sessions are remembered so they can be revoked; the oldest are forgotten past this many.
    private const int MaxSessions = 200;

    private UserState State => user.State;

    public async Task<UserProfile> Create(NewUser newUser, AuditActor actor)
    {
        if (user.RecordExists)
            return State.Email == newUser.Email ? Profile() : throw new InvalidOperationException($"User {this.GetPrimaryKeyString()} already exists.");
        var now = TimeProvider.GetUtcNow();
        user.State = new UserState
        {
            Email = newUser.Email,
            Name = newUser.Name,
            PasswordHash = Secrets.HashPassword(newUser.Password),
            CreatedAt = now,
            Tenants = { [newUser.TenantId] = TenantRole.Owner },
        };
        await user.WriteStateAsync([AuditJournal.Record(actor, now, newUser.TenantId, "user.registered", "user", this.GetPrimaryKeyString(),
            after: new { email = newUser.Email, name = newUser.Name })]);
        return Profile();
    }

    public Task<UserProfile?> GetProfile() => Task.FromResult(user.RecordExists ? Profile() : NothingHeld<UserProfile?>(null));

    public Task<LoginResult> CheckPassword(string password)
    {
        if (!user.RecordExists)
        {
            Secrets.SpendDecoyVerification(password);
            return Task.FromResult<LoginResult>(new LoginResult.Invalid());
        }
        LoginResult result = !Secrets.VerifyPassword(State.PasswordHash, password) ? new LoginResult.Invalid()
            : State.Disabled ? new LoginResult.Disabled()
            : new LoginResult.Success(this.GetPrimaryKeyString());
        return Task.FromResult(result);
    }

    public async Task<UserProfile> Rename(string name, AuditActor actor)
    {
        EnsureExists();
        var before = State.Name;
        State.Name = name;
        await user.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, "user.updated", "user", this.GetPrimaryKeyString(),
            before: new { name = before }, after: new { name })]);
        return Profile();
    }

    public async Task<bool> ChangePassword(string currentPassword, string newPassword, AuditActor actor)
    {
        EnsureExists();
        if (!Secrets.VerifyPassword(State.PasswordHash, currentPassword)) return false;
        State.PasswordHash = Secrets.HashPassword(newPassword);
        var sessions = State.Sessions.ToList();
        State.Sessions.Clear();
        await user.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, "user.password_changed", "user", this.GetPrimaryKeyString())]);
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
        await user.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, disabled ? "user.disabled" : "user.enabled", "user", this.GetPrimaryKeyString(),
            before: new { disabled = !disabled }, after: new { disabled })]);
        await RevokeAsync(sessions);
        return Profile();
    }

    public async Task GrantOperator(AuditActor actor)
    {
        EnsureExists();
        if (State.IsOperator) return;
        State.IsOperator = true;
        await user.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), null, "user.operator_granted", "user", this.GetPrimaryKeyString())]);
    }

    public async Task AddSession(string sessionId)
    {
        EnsureExists();
        State.Sessions.Add(sessionId);
        if (State.Sessions.Count > MaxSessions) State.Sessions.RemoveRange(0, State.Sessions.Count - MaxSessions);
        await user.WriteStateAsync();
    }

    public async Task JoinTenant(string tenantId, TenantRole role)
    {
        EnsureExists();
        State.Tenants[tenantId] = role;
        await user.WriteStateAsync();
    }

    public async Task LeaveTenant(string tenantId)
    {
        if (user.RecordExists && State.Tenants.Remove(tenantId)) await user.WriteStateAsync();
    }

    private Task RevokeAsync(IEnumerable<string> sessions) =>
        Task.WhenAll(sessions.Select(id => GrainFactory.GetGrain<ISessionGrain>(id).Revoke()));

    private void EnsureExists()
    {
        if (!user.RecordExists) throw new KeyNotFoundException($"User {this.GetPrimaryKeyString()} does not exist.");
    }

    private UserProfile Profile() =>
        new(this.GetPrimaryKeyString(), State.Email, State.Name, State.Disabled, State.IsOperator, State.CreatedAt, new Dictionary<string, TenantRole>(State.Tenants));
}
