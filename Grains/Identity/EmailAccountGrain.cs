
namespace Tollgate.Grains.Identity;

public sealed class EmailAccountState
{
    public string? UserId { get; set; }
    public List<DateTimeOffset> RecentFailures { get; set; } = [];
}

/// <summary>
/// Keyed by the normalized email. Registration writes this grain last, so an email counts as
/// taken only once its user and tenant exist; a crash half-way leaves the email free to retry.
/// An email without an account is never written: its failed logins are counted in memory only.
/// </summary>
[GrainType("email-account")]
public sealed class EmailAccountGrain([PersistentState("account", StorageNames.Default)] IPersistentState<EmailAccountState> account)
    : TollgateGrain, IEmailAccountGrain
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(15);

    public async Task<RegisteredAccount?> Register(Registration registration, AuditActor actor)
    {
        if (account.State.UserId is not null) return null;
        var email = this.GetPrimaryKeyString();
        // A look-alike of a registered email is taken too; the claim is the email's from now on.
        if (!await GrainFactory.GetGrain<IEmailSkeletonGrain>(EmailSkeleton.Of(email)).Claim(email)) return null;
        var userId = Secrets.NewId("usr");
        var tenantId = Secrets.NewId("ten");
        var self = actor with { Type = "user", Id = userId }; // the new user registers themself
        var user = await GrainFactory.GetGrain<IUserGrain>(userId).Create(new NewUser(this.GetPrimaryKeyString(), registration.Name, registration.Password, tenantId), self);
        var tenant = await GrainFactory.GetGrain<ITenantGrain>(tenantId).Create(registration.TenantName, userId, this.GetPrimaryKeyString(), self);
        var directory = GrainFactory.GetGrain<IPlatformDirectoryGrain>(IPlatformDirectoryGrain.Key);
        await directory.AddUser(new DirectoryUser(userId, user.Email, user.CreatedAt));
        await directory.AddTenant(new DirectoryTenant(tenant.Id, tenant.Name, tenant.CreatedAt));
        account.State.UserId = userId;
        account.State.RecentFailures.Clear(); // counted before the account existed
        await account.WriteStateAsync();
        return new RegisteredAccount(user, tenant);
    }

    public Task<string?> GetUserId() => Task.FromResult(account.State.UserId);

    public async Task<LoginResult> Login(string password)
    {
        var now = TimeProvider.GetUtcNow();
        var failures = account.State.RecentFailures;
        failures.RemoveAll(at => at <= now - FailureWindow);
        if (failures.Count >= MaxFailures)
            return new LoginResult.LockedOut(failures[^MaxFailures] + FailureWindow - now);

        if (account.State.UserId is not { } userId)
        {
            // No account: as slow and as counted as a wrong password, but nothing is stored for it.
            Secrets.SpendDecoyVerification(password);
            failures.Add(now);
            return new LoginResult.Invalid();
        }
        var result = await GrainFactory.GetGrain<IUserGrain>(userId).CheckPassword(password);
        if (result is LoginResult.Invalid) failures.Add(now);
        else if (failures.Count > 0) failures.Clear();
        else return result;
        await account.WriteStateAsync();
        return result;
    }
}
