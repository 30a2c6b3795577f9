
namespace Tollgate.Grains.Identity;

public sealed class TenantState
{
    public string Name { get; set; } = "";
    public TenantSettings Settings { get; set; } = new(null);
    public DateTimeOffset CreatedAt { get; set; }
    public Dictionary<string, TenantMember> Members { get; set; } = [];
    public Dictionary<string, StoredApiKey> ApiKeys { get; set; } = [];
    /// <summary>Pending invitations by id; accepted, declined and revoked ones leave (the audit log keeps them).</summary>
    public Dictionary<string, TenantInvitation> Invitations { get; set; } = [];
    /// <summary>The tenant's customer at each payment provider, e.g. "stripe" -> "cus_...".</summary>
    public Dictionary<string, string> BillingCustomers { get; set; } = [];
}

/// <summary>An API key as the tenant keeps it: the hash addresses its <see cref="IApiKeyGrain"/>.</summary>
public sealed record StoredApiKey(string Id, string Name, string Prefix, List<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Hash);

[GrainType("tenant")]
public sealed class TenantGrain(
    [PersistentState("tenant", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<TenantState>> store, IStateEntryReader entries)
    : RecordingGrain, ITenantGrain, IStateShownOnDashboard
{
    private readonly StateWithRecords<TenantState> _tenant = new(store, entries);

    private protected override IOwnedByGrain Recorded => _tenant;

    private TenantState State => _tenant.State;

    /// <summary>Without the API keys' hashes: a hash is what an API key is checked against.</summary>
    public Task<string> GetDashboardState() => DashboardStateJson.Of(new
    {
        State.Name, State.Settings, State.CreatedAt, State.Members,
        ApiKeys = State.ApiKeys.Values.Select(key => new { key.Id, key.Name, key.Prefix, key.Scopes, key.CreatedAt, key.ExpiresAt }),
        State.Invitations, State.BillingCustomers,
    });

    public async Task<TenantInfo> Create(string name, string ownerId, string ownerEmail, AuditActor actor)
    {
        if (_tenant.RecordExists) throw new InvalidOperationException($"Tenant {this.GetPrimaryKeyString()} already exists.");
        var now = TimeProvider.GetUtcNow();
        _tenant.State = new TenantState
        {
            Name = name,
            CreatedAt = now,
            Members = { [ownerId] = new TenantMember(ownerId, ownerEmail, TenantRole.Owner, now) },
        };
        await _tenant.WriteStateAsync([AuditJournal.Record(actor, now, this.GetPrimaryKeyString(), "tenant.created", "tenant", this.GetPrimaryKeyString(),
            after: new { name, owner = ownerId })]);
        // Every new tenant starts on the default plan (when the catalog has one).
        await GrainFactory.GetGrain<Billing.ISubscriptionGrain>(this.GetPrimaryKeyString()).StartDefault(actor);
        return Info();
    }

    public Task<string?> GetBillingCustomer(string provider) => Task.FromResult(State.BillingCustomers.GetValueOrDefault(provider));

    public async Task<string> SetBillingCustomer(string provider, string customerId, AuditActor actor)
    {
        EnsureExists();
        if (State.BillingCustomers.TryGetValue(provider, out var existing)) return existing; // the first one stays
        // The index first: once the tenant names the customer, webhooks about it must find the tenant.
        await GrainFactory.GetGrain<Billing.IBillingCustomerGrain>(Billing.IBillingCustomerGrain.KeyFor(provider, customerId)).Link(this.GetPrimaryKeyString());
        State.BillingCustomers[provider] = customerId;
        await _tenant.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), this.GetPrimaryKeyString(), "billing.customer_created", "billing_customer", customerId,
            after: new { provider, customerId })]);
        return customerId;
    }

    public async Task RecordBillingSession(string provider, string kind, string? sessionId, string? planId, AuditActor actor)
    {
        EnsureExists();
        await _tenant.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), this.GetPrimaryKeyString(), $"billing.{kind}_created", kind, sessionId ?? kind,
            after: new { provider, sessionId, planId })]);
    }

    public Task<TenantInfo?> Get() => Task.FromResult(_tenant.RecordExists ? Info() : NothingHeld<TenantInfo?>(null));

    public Task<TenantRole?> GetRole(string userId) =>
        Task.FromResult(!_tenant.RecordExists ? NothingHeld<TenantRole?>(null)
            : State.Members.TryGetValue(userId, out var member) ? member.Role
            : (TenantRole?)null);

    public async Task<TenantInfo> Update(string? name, TenantSettings? settings, AuditActor actor)
    {
        EnsureExists();
        var before = new { name = State.Name, settings = State.Settings };
        State.Name = name ?? State.Name;
        State.Settings = settings ?? State.Settings;
        await _tenant.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), this.GetPrimaryKeyString(), "tenant.updated", "tenant", this.GetPrimaryKeyString(),
            before, after: new { name = State.Name, settings = State.Settings })]);
        if (name is not null && name != before.name)
            await GrainFactory.GetGrain<IPlatformDirectoryGrain>(IPlatformDirectoryGrain.Key).RenameTenant(this.GetPrimaryKeyString(), name);
        return Info();
    }

    public Task<IReadOnlyList<TenantMember>> GetMembers() =>
        Task.FromResult<IReadOnlyList<TenantMember>>(State.Members.Values.OrderBy(m => m.AddedAt).ToList());

    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    public async Task<TenantChange<TenantInvitation>> Invite(string email, TenantRole role, TenantRole actingRole, AuditActor actor)
    {
        EnsureExists();
        if (role == TenantRole.Owner && !actingRole.Allows(TenantPermission.ManageOwners))
            return TenantChange<TenantInvitation>.Fail(TenantChangeError.Forbidden, "Only an owner can invite an owner.");
        if (State.Members.Values.Any(m => m.Email == email))
            return TenantChange<TenantInvitation>.Fail(TenantChangeError.Conflict, "A member of this tenant has this email.");
        var now = TimeProvider.GetUtcNow();
        foreach (var expired in State.Invitations.Values.Where(i => i.ExpiresAt <= now).ToList()) State.Invitations.Remove(expired.Id);
        if (State.Invitations.Values.Any(i => i.Email == email))
            return TenantChange<TenantInvitation>.Fail(TenantChangeError.Conflict, "This email has a pending invitation; revoke it to invite again.");
        var tenantId = this.GetPrimaryKeyString();
        var invitation = new TenantInvitation(Secrets.NewId("inv"), tenantId, email, role, actor.Id, now, now + InvitationLifetime);
        // The invitee's pointer first, so every invitation the tenant lists can be found by its invitee.
        await GrainFactory.GetGrain<IInviteeGrain>(email).Add(new InvitationPointer(invitation.Id, tenantId));
        State.Invitations[invitation.Id] = invitation;
        await _tenant.WriteStateAsync([InvitationAudit(actor, "invitation.created", invitation, before: null, after: invitation)]);
        return new(invitation);
    }

    public Task<IReadOnlyList<TenantInvitation>> GetInvitations() =>
        Task.FromResult<IReadOnlyList<TenantInvitation>>(State.Invitations.Values.Where(IsPending).OrderBy(i => i.CreatedAt).ToList());

    public Task<TenantInvitation?> GetInvitation(string invitationId) => Task.FromResult(PendingInvitation(invitationId, email: null));

    public async Task<TenantChange<TenantInvitation>> RevokeInvitation(string invitationId, TenantRole actingRole, AuditActor actor)
    {
        if (PendingInvitation(invitationId, email: null) is not { } invitation)
            return TenantChange<TenantInvitation>.Fail(TenantChangeError.NotFound, "No such pending invitation.");
        if (invitation.Role == TenantRole.Owner && !actingRole.Allows(TenantPermission.ManageOwners))
            return TenantChange<TenantInvitation>.Fail(TenantChangeError.Forbidden, "Only an owner can revoke an owner's invitation.");
        State.Invitations.Remove(invitationId);
        await _tenant.WriteStateAsync([InvitationAudit(actor, "invitation.revoked", invitation, before: invitation, after: null)]);
        await GrainFactory.GetGrain<IInviteeGrain>(invitation.Email).Remove(invitationId);
        return new(invitation);
    }

    public async Task<TenantChange<TenantMember>> AcceptInvitation(string invitationId, string userId, string email, AuditActor actor)
    {
        if (PendingInvitation(invitationId, email) is not { } invitation)
            return TenantChange<TenantMember>.Fail(TenantChangeError.NotFound, "No such pending invitation.");
        if (State.Members.ContainsKey(userId)) return TenantChange<TenantMember>.Fail(TenantChangeError.Conflict, "You are already a member of this tenant.");
        var member = new TenantMember(userId, email, invitation.Role, TimeProvider.GetUtcNow());
        State.Invitations.Remove(invitationId);
        State.Members[userId] = member;
        await _tenant.WriteStateAsync([
            InvitationAudit(actor, "invitation.accepted", invitation, before: invitation, after: null),
            MemberAudit(actor, "member.added", userId, before: null, after: member)]);
        await GrainFactory.GetGrain<IUserGrain>(userId).JoinTenant(this.GetPrimaryKeyString(), member.Role);
        await GrainFactory.GetGrain<IInviteeGrain>(email).Remove(invitationId);
        return new(member);
    }

    public async Task<TenantChange<TenantInvitation>> DeclineInvitation(string invitationId, string email, AuditActor actor)
    {
        if (PendingInvitation(invitationId, email) is not { } invitation)
            return TenantChange<TenantInvitation>.Fail(TenantChangeError.NotFound, "No such pending invitation.");
        State.Invitations.Remove(invitationId);
        await _tenant.WriteStateAsync([InvitationAudit(actor, "invitation.declined", invitation, before: invitation, after: null)]);
        await GrainFactory.GetGrain<IInviteeGrain>(email).Remove(invitationId);
        return new(invitation);
    }

    public async Task<TenantChange<TenantMember>> ChangeRole(string userId, TenantRole role, TenantRole actingRole, AuditActor actor)
    {
        EnsureExists();
        if (!State.Members.TryGetValue(userId, out var member)) return TenantChange<TenantMember>.Fail(TenantChangeError.NotFound, "No such member.");
        if ((member.Role == TenantRole.Owner || role == TenantRole.Owner) && !actingRole.Allows(TenantPermission.ManageOwners))
            return TenantChange<TenantMember>.Fail(TenantChangeError.Forbidden, "Only an owner can make or unmake an owner.");
        if (member.Role == TenantRole.Owner && role != TenantRole.Owner && OwnerCount() == 1)
            return TenantChange<TenantMember>.Fail(TenantChangeError.Conflict, "A tenant must keep at least one owner.");
        if (member.Role == role) return new(member);
        var changed = member with { Role = role };
        State.Members[userId] = changed;
        await _tenant.WriteStateAsync([MemberAudit(actor, "member.role_changed", userId, member, changed)]);
        await GrainFactory.GetGrain<IUserGrain>(userId).JoinTenant(this.GetPrimaryKeyString(), role);
        return new(changed);
    }

    public async Task<TenantChange<TenantMember>> RemoveMember(string userId, TenantRole actingRole, AuditActor actor)
    {
        EnsureExists();
        if (!State.Members.TryGetValue(userId, out var member)) return TenantChange<TenantMember>.Fail(TenantChangeError.NotFound, "No such member.");
        if (member.Role == TenantRole.Owner && !actingRole.Allows(TenantPermission.ManageOwners))
            return TenantChange<TenantMember>.Fail(TenantChangeError.Forbidden, "Only an owner can remove an owner.");
        if (member.Role == TenantRole.Owner && OwnerCount() == 1)
            return TenantChange<TenantMember>.Fail(TenantChangeError.Conflict, "A tenant must keep at least one owner.");
        State.Members.Remove(userId);
        await _tenant.WriteStateAsync([MemberAudit(actor, "member.removed", userId, member, after: null)]);
        await GrainFactory.GetGrain<IUserGrain>(userId).LeaveTenant(this.GetPrimaryKeyString());
        return new(member);
    }

    public async Task<CreatedApiKey> CreateApiKey(NewApiKey newKey, AuditActor actor)
    {
        EnsureExists();
        var (stored, secret) = await KeptApiKeys.IssueAsync(GrainFactory, "key", this.GetPrimaryKeyString(), newKey, TimeProvider.GetUtcNow());
        State.ApiKeys[stored.Id] = stored;
        await _tenant.WriteStateAsync([AuditJournal.Record(actor, stored.CreatedAt, this.GetPrimaryKeyString(), "apikey.created", "apiKey", stored.Id,
            after: KeptApiKeys.Created(stored))]);
        return new CreatedApiKey(KeptApiKeys.Info(stored, lastUsedAt: null), secret);
    }

    public Task<IReadOnlyList<ApiKeyInfo>> GetApiKeys() => KeptApiKeys.ListAsync(GrainFactory, State.ApiKeys.Values);

    public async Task<bool> RevokeApiKey(string keyId, AuditActor actor)
    {
        if (!State.ApiKeys.TryGetValue(keyId, out var stored)) return false;
        // Refused from this moment: the key grain says no before the tenant forgets the key.
        await GrainFactory.GetGrain<IApiKeyGrain>(stored.Hash).Revoke();
        State.ApiKeys.Remove(keyId);
        await _tenant.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), this.GetPrimaryKeyString(), "apikey.revoked", "apiKey", keyId,
            before: KeptApiKeys.Revoked(stored))]);
        return true;
    }

    /// <summary>The invitation while it is pending and unexpired, and (when given) sent to <paramref name="email"/>.</summary>
    private TenantInvitation? PendingInvitation(string invitationId, string? email) =>
        _tenant.RecordExists && State.Invitations.TryGetValue(invitationId, out var invitation) && IsPending(invitation)
        && (email is null || invitation.Email == email) ? invitation : null;

    private bool IsPending(TenantInvitation invitation) => invitation.ExpiresAt > TimeProvider.GetUtcNow();

    private JournalRecord InvitationAudit(AuditActor actor, string action, TenantInvitation invitation, TenantInvitation? before, TenantInvitation? after) =>
        AuditJournal.Record(actor, TimeProvider.GetUtcNow(), this.GetPrimaryKeyString(), action, "invitation", invitation.Id,
            before is null ? null : new { email = before.Email, role = before.Role.ToWire() },
            after is null ? null : new { email = after.Email, role = after.Role.ToWire(), expiresAt = after.ExpiresAt });

    private int OwnerCount() => State.Members.Values.Count(m => m.Role == TenantRole.Owner);

    private JournalRecord MemberAudit(AuditActor actor, string action, string userId, TenantMember? before, TenantMember? after) =>
        AuditJournal.Record(actor, TimeProvider.GetUtcNow(), this.GetPrimaryKeyString(), action, "member", userId,
            before is null ? null : new { role = before.Role.ToWire(), email = before.Email },
            after is null ? null : new { role = after.Role.ToWire(), email = after.Email });

    private void EnsureExists()
    {
        if (!_tenant.RecordExists) throw new KeyNotFoundException($"Tenant {this.GetPrimaryKeyString()} does not exist.");
    }

    private TenantInfo Info() => new(this.GetPrimaryKeyString(), State.Name, State.Settings, State.CreatedAt);
}
