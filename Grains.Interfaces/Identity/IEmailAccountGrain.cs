using Tollgate.Runtime;

namespace Tollgate.Grains.Identity;

public sealed record Registration(string Email, string Password, string Name, string TenantName);

public sealed record RegisteredAccount(UserProfile User, TenantInfo Tenant);

public abstract record LoginResult
{
    public sealed record Success(string UserId) : LoginResult;
    public sealed record Invalid : LoginResult;
    public sealed record LockedOut(TimeSpan RetryAfter) : LoginResult;
}

/// <summary>
/// The account registered under one (normalized) email address: it makes registration of an
/// email happen once, and throttles failed logins for it.
/// </summary>
public interface IEmailAccountGrain : IGrainWithStringKey
{
    /// <summary>Null when the email is already registered.</summary>
    Task<RegisteredAccount?> Register(Registration registration, AuditActor actor);

    Task<string?> GetUserId();

    /// <summary>After 5 failures within 15 minutes, every attempt is refused until the window passes.</summary>
    Task<LoginResult> Login(string password);
}
