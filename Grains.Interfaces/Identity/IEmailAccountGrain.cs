namespace Tollgate.Grains.Identity;

/// <summary>
/// The account registered under one (normalized) email address: it makes registration of an
/// email happen once, and throttles failed logins for it.
/// </summary>
[Alias("tollgate.IEmailAccountGrain")]
public interface IEmailAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Null when the email is already registered, or a look-alike of it is verified by another account and
    /// this email has no invitation (see README, "Email verification").
    /// </summary>
    Task<RegisteredAccount?> Register(Registration registration, AuditActor actor);

    Task<string?> GetUserId();

    /// <summary>After 5 failures within 15 minutes, every attempt is refused until the window passes.</summary>
    Task<LoginResult> Login(string password);

    /// <summary>
    /// Sends a password reset link when the email has an account, and nothing otherwise. One-way, so the caller
    /// answers at once and in the same time either way.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    Task RequestPasswordReset(AuditActor actor);
}
