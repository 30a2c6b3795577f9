namespace Tollgate.Api.Auth;

/// <summary>Bound from the <c>Auth</c> section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>JWT signing key (at least 32 bytes of text). When empty, one is generated once and stored.</summary>
    public string? SigningKey { get; set; }
}

/// <summary>Bound from the <c>Admin</c> section: the platform operator created at start-up.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public string? Email { get; set; }
    public string? Password { get; set; }
}
