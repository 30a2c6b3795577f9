
namespace Tollgate.Grains.Identity;

public sealed class EmailAccountState
{
    public string? UserId { get; set; }
    public List<DateTimeOffset> RecentFailures { get; set; } = [];
}

/// <summary>
/// Keyed by the normalized email. Registration writes this grain last, so an email counts as
/// taken only once its user and tenant exist; a crash half-way leaves the email free to retry.
/// An email without an account is never written, and its activation goes once idle (any email can be
/// asked about): its failed logins are counted in the silo's memory (<see cref="UnclaimedEmailFailures"/>).
/// </summary>
[GrainType("email-account")]
public sealed class EmailAccountGrain(
    [PersistentState("account", StorageNames.Default)] IPersistentState<EmailAccountState> account, UnclaimedEmailFailures unclaimed)
    : TollgateGrain, IEmailAccountGrain
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(15);

    public async Task<RegisteredAccount?> Register(Registration registration, AuditActor actor)
    {
        if (account.State.UserId is not null) return null;
        var email = this.GetPrimaryKeyString();
        // A verified look-alike takes this email too, unless an inviter named this one exactly. Unverified look-alikes take nothing.
        var skeleton = GrainFactory.GetGrain<IEmailSkeletonGrain>(EmailSkeleton.Of(email));
        if (await skeleton.IsHeldByAnother(email) && (await GrainFactory.GetGrain<IInviteeGrain>(email).GetInvitations()).Count == 0)
            return NothingHeld<RegisteredAccount?>(null);
        if (registration.EmailVerified) await skeleton.Claim(email);
        var userId = Secrets.NewId("usr");
        var tenantId = Secrets.NewId("ten");
        var self = actor with { Type = "user", Id = userId }; // the new user registers themself
        var user = await GrainFactory.GetGrain<IUserGrain>(userId).Create(new NewUser(email, registration.Name, registration.Password, tenantId, registration.EmailVerified), self);
        var tenant = await GrainFactory.GetGrain<ITenantGrain>(tenantId).Create(registration.TenantName, userId, email, self);
        var directory = GrainFactory.GetGrain<IPlatformDirectoryGrain>(IPlatformDirectoryGrain.Key);
        await directory.AddUser(new DirectoryUser(userId, user.Email, user.CreatedAt));
        await directory.AddTenant(new DirectoryTenant(tenant.Id, tenant.Name, tenant.CreatedAt));
        account.State.UserId = userId;
        unclaimed.Take(this.GetPrimaryKeyString()); // failures counted before the account existed are forgotten
        await account.WriteStateAsync();
        return new RegisteredAccount(user, tenant);
    }

    public Task<string?> GetUserId() => Task.FromResult(account.State.UserId ?? NothingHeld<string?>(null));

    public async Task RequestPasswordReset(AuditActor actor)
    {
        if (account.State.UserId is { } userId) await GrainFactory.GetGrain<IUserGrain>(userId).StartPasswordReset(actor);
        else DeactivateOnIdle(); // no account: nothing to keep (failed logins for it are counted in the silo's memory)
    }

    public async Task<LoginResult> Login(string password)
    {
        var now = TimeProvider.GetUtcNow();
        if (account.State.UserId is not { } userId) return NothingHeld(UnclaimedLogin(password, now));
        var failures = account.State.RecentFailures;
        failures.RemoveAll(at => at <= now - FailureWindow);
        if (LockedOut(failures, now) is { } lockedOut) return lockedOut;

        var result = await GrainFactory.GetGrain<IUserGrain>(userId).CheckPassword(password);
        if (result is LoginResult.Invalid) failures.Add(now);
        else if (failures.Count > 0) failures.Clear();
        else return result;
        await account.WriteStateAsync();
        return result;
    }

    /// <summary>No account: as slow and as counted as a wrong password, but nothing is stored for it.</summary>
    private LoginResult UnclaimedLogin(string password, DateTimeOffset now)
    {
        var email = this.GetPrimaryKeyString();
        var failures = unclaimed.Take(email);
        failures.RemoveAll(at => at <= now - FailureWindow);
        var result = LockedOut(failures, now);
        if (result is null)
        {
            Passwords.SpendDecoyVerification(password);
            failures.Add(now);
        }
        unclaimed.Keep(email, failures, now - FailureWindow);
        return (LoginResult?)result ?? new LoginResult.Invalid();
    }

    private static LoginResult.LockedOut? LockedOut(List<DateTimeOffset> failures, DateTimeOffset now) =>
        failures.Count >= MaxFailures ? new LoginResult.LockedOut(failures[^MaxFailures] + FailureWindow - now) : null;
}
