namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.LoginResult")]
public abstract record LoginResult
{
    [GenerateSerializer, Immutable, Alias("tollgate.LoginResult.Success")]
    public sealed record Success(string UserId) : LoginResult;
    [GenerateSerializer, Immutable, Alias("tollgate.LoginResult.Invalid")]
    public sealed record Invalid : LoginResult;
    /// <summary>The password is right but the account is disabled; said only to whoever knows the password.</summary>
    [GenerateSerializer, Immutable, Alias("tollgate.LoginResult.Disabled")]
    public sealed record Disabled : LoginResult;
    [GenerateSerializer, Immutable, Alias("tollgate.LoginResult.LockedOut")]
    public sealed record LockedOut(TimeSpan RetryAfter) : LoginResult;
}
